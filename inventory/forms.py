"""Forms for the organisation staff's pages. They check input; the services hold the rules."""

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inventory.models import AdjustmentReason, Item, ItemAlias


def find_item(text: str) -> Item | None:
    """An item by code, Chinese or English name, or spreadsheet alias (exact, then unique
    partial match) — what a person types in the item box."""
    text = " ".join(text.split())
    if not text:
        return None
    code = text.split(" — ")[0].strip()
    exact = Item.objects.filter(Q(code=code) | Q(name_zh=text) | Q(name_en__iexact=text)).first()
    if exact:
        return exact
    alias = ItemAlias.objects.filter(alias=text).select_related("item").first()
    if alias:
        return alias.item
    partial = list(
        Item.objects.filter(
            Q(name_zh__icontains=text)
            | Q(name_en__icontains=text)
            | Q(aliases__alias__icontains=text)
        ).distinct()[:2]
    )
    return partial[0] if len(partial) == 1 else None


class DonationForm(forms.Form):
    site = forms.ChoiceField(label=_("Received at"))
    donor = forms.CharField(label=_("Donor"), max_length=200)
    received_at = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Receipt number"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]
        self.fields["received_at"].initial = timezone.localdate()


class DonationLineForm(forms.Form):
    item = forms.CharField(
        label=_("Item"),
        required=False,
        widget=forms.TextInput(attrs={"list": "item-options", "autocomplete": "off"}),
        help_text=_("Type a Chinese or English name or an alias"),
    )
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1)
    unit = forms.CharField(
        label=_("Counted in"),
        required=False,
        help_text=_("Leave empty for base units, or give a pack name such as 箱"),
        max_length=20,
    )
    pack_size = forms.IntegerField(label=_("Units per pack"), required=False, min_value=1)
    batch = forms.CharField(label=_("Batch"), required=False, max_length=60)
    expiry = forms.DateField(
        label=_("Expiry"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("item"):
            item = find_item(data["item"])
            if item is None:
                self.add_error(
                    "item", _("No catalogue item matches “%(text)s”.") % {"text": data["item"]}
                )
            data["item_obj"] = item
            if not data.get("quantity"):
                self.add_error("quantity", _("How many arrived?"))
        return data


class BaseDonationLines(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(f.cleaned_data.get("item") for f in self.forms):
            raise forms.ValidationError(_("Add at least one item."))


DonationLineFormSet = formset_factory(
    DonationLineForm, formset=BaseDonationLines, extra=5, max_num=100
)


class AdjustmentForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    lot = forms.IntegerField(label=_("Lot number"), min_value=1)
    direction = forms.ChoiceField(
        label=_("Change"), choices=[("remove", _("Remove")), ("add", _("Add"))], initial="remove"
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    reason = forms.ChoiceField(label=_("Reason"), choices=AdjustmentReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]


class TransferForm(forms.Form):
    from_site = forms.ChoiceField(label=pgettext_lazy("transfer", "From"))
    to_site = forms.ChoiceField(label=pgettext_lazy("transfer", "To"))
    lot = forms.IntegerField(label=_("Lot number"), min_value=1)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.code, s.name) for s in sites]
        self.fields["from_site"].choices = choices
        self.fields["to_site"].choices = choices
