"""The register's form (phone-first). It validates input; the rules stay in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import ISODateField
from core.quantities import QuantityField
from households.models import Category


class HouseholdForm(forms.Form):
    served_unit = forms.TypedChoiceField(label=_("Community"), coerce=int)
    building = forms.CharField(label=_("Building"), max_length=100, required=False)
    unit_no = forms.CharField(label=_("Unit"), max_length=50, required=False)
    room = forms.CharField(label=_("Room"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    members = QuantityField(label=_("Members"), min_value=1, max_value=99, initial=1)
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    isolation_from = ISODateField(label=_("Isolation from"), required=False)
    isolation_until = ISODateField(label=_("Isolation until"), required=False)
    notes = forms.CharField(
        label=_("Dietary or medical notes"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent = forms.BooleanField(
        label=_("The household agrees to be registered"),
        required=True,
        error_messages={"required": _("Registration needs the household's consent.")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_unit"].choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            self.fields["served_unit"].initial = units[0].pk
