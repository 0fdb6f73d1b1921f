"""The offer form: short, bounded, and with a challenge a person answers without script."""

import random

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from core.dates import ISODateField
from core.quantities import QuantityField
from inventory.models import Item
from public.models import OffererKind

_SALT = "public.offer.challenge"
CHALLENGE_MAX_AGE = 3600


def new_challenge() -> tuple[str, str]:
    """A sum to work out, and the signed answer the form carries back."""
    a, b = random.randint(2, 9), random.randint(2, 9)
    return f"{a} + {b}", signing.dumps(a + b, salt=_SALT)


class OfferForm(forms.Form):
    offerer_kind = forms.ChoiceField(label=_("Who offers"), choices=OffererKind.choices)
    name = forms.CharField(label=_("Name (an organisation's is published)"), max_length=100)
    contact = forms.CharField(label=_("Phone or e-mail (never published)"), max_length=100)
    item = forms.ModelChoiceField(
        label=_("Item"), queryset=Item.objects.order_by("code"), to_field_name="code"
    )
    quantity = QuantityField(label=_("Quantity"))
    location = forms.CharField(label=_("Where it is now"), max_length=100)
    available_on = ISODateField(label=_("When it can come"))
    challenge = forms.CharField(widget=forms.HiddenInput)
    answer = forms.IntegerField(label=_("Answer"), min_value=0, max_value=100)
    # A field people never see: a form filled in by a script fills it.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1"}))

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("This offer could not be sent."))
        try:
            expected = signing.loads(
                data.get("challenge", ""), salt=_SALT, max_age=CHALLENGE_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(_("The form is too old: answer the new sum.")) from None
        if data.get("answer") is not None and data["answer"] != expected:
            self.add_error("answer", _("That is not the sum; try again."))
        return data
