"""Forms for the organisation staff's pages. They check input; the services hold the rules.

Quantities use the one bounded field (`core.quantities`), dates the ISO widgets
(`core.dates`); every line problem is an error next to its line, never a silent drop."""

from django import forms
from django.db.models import Max
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import ISODateField
from core.exceptions import ValidationFailed
from core.quantities import MAX_QUANTITY, CountField, QuantityField
from inventory.item_lookup import ItemIndex
from inventory.models import AdjustmentReason, DonationLine, Item
from inventory.services import DonationLineInput
from inventory.services.donations import base_quantity

# A line more than this many times the item's largest earlier line asks for confirmation:
# "2,000,000 箱" typed for "2,000,000 只" is the typo it catches.
LARGE_FACTOR = 100


def find_item(text: str, index: ItemIndex | None = None) -> Item | None:
    """The one item a person's text names, or None (none or several match)."""
    candidates = (index or ItemIndex()).candidates(text)
    return candidates[0] if len(candidates) == 1 else None


def item_error(text: str, candidates: list[Item]) -> str:
    if not candidates:
        return _("No catalogue item matches “%(text)s”.") % {"text": text}
    names = "、".join(f"{i.name_zh} ({i.code})" for i in candidates[:8])
    return _("“%(text)s” matches several items: %(names)s. Choose one.") % {
        "text": text,
        "names": names,
    }


class DonationForm(forms.Form):
    site = forms.ChoiceField(label=_("Received at"))
    donor = forms.CharField(label=_("Donor"), max_length=200)
    received_at = ISODateField(label=_("Received on"))
    reference = forms.CharField(label=_("Receipt number"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]
        self.fields["received_at"].initial = timezone.localdate
        self.fields["received_at"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_received_at(self):
        received = self.cleaned_data["received_at"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("The received date cannot be in the future."))
        return received


class DonationLineForm(forms.Form):
    item = forms.CharField(
        label=_("Item"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"list": "item-options", "autocomplete": "off"}),
        help_text=_("Type a Chinese or English name or an alias"),
    )
    quantity = QuantityField(label=_("Quantity"), required=False)
    unit = forms.CharField(
        label=_("Counted in"),
        required=False,
        help_text=_("Leave empty for base units, or give a pack name such as 箱"),
        max_length=20,
    )
    pack_size = QuantityField(label=_("Units per pack"), required=False)
    batch = forms.CharField(label=_("Batch"), required=False, max_length=60)
    expiry = ISODateField(label=_("Expiry"), required=False)
    confirm_large = forms.BooleanField(label=_("Yes, this quantity is right"), required=False)

    def __init__(self, *args, index: ItemIndex | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.index = index
        self.needs_confirmation = False

    def clean(self):
        data = super().clean()
        text = (data.get("item") or "").strip()
        others = [
            name
            for name in ("quantity", "unit", "pack_size", "batch", "expiry")
            if data.get(name) or self.errors.get(name)
        ]
        if not text:
            if others:
                self.add_error("item", _("Which item is this line for?"))
            return data
        candidates = (self.index or ItemIndex()).candidates(text)
        if len(candidates) != 1:
            self.add_error("item", item_error(text, candidates))
            return data
        item = data["item_obj"] = candidates[0]
        quantity = data.get("quantity")
        if quantity is None:
            if "quantity" not in self.errors:
                self.add_error("quantity", _("How many arrived?"))
            return data
        if "pack_size" in self.errors:
            return data
        line = DonationLineInput(
            item=item,
            quantity=quantity,
            pack_name=(data.get("unit") or "").strip(),
            pack_size=data.get("pack_size"),
        )
        try:
            base, _packs = base_quantity(line)
        except ValidationFailed as exc:
            self.add_error("unit", exc.message)
            return data
        shown = {"qty": f"{base:,}", "unit": item.base_unit}
        if base > MAX_QUANTITY:
            self.add_error(
                "quantity",
                _("= %(qty)s %(unit)s: more than %(max)s, the most one line may hold.")
                % {**shown, "max": f"{MAX_QUANTITY:,}"},
            )
            return data
        largest = DonationLine.objects.filter(item=item).aggregate(m=Max("quantity"))["m"]
        if largest and base > LARGE_FACTOR * largest and not data.get("confirm_large"):
            self.needs_confirmation = True
            self.add_error(
                "quantity",
                _(
                    "= %(qty)s %(unit)s? That is over %(factor)d times the largest donation "
                    "of this item so far (%(largest)s). Tick the box to confirm."
                )
                % {
                    **shown,
                    "factor": LARGE_FACTOR,
                    "largest": f"{largest:,}",
                },
            )
        return data

    def has_item(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("item_obj"))


class BaseDonationLines(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        self.index = ItemIndex()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["index"] = self.index
        return kwargs

    def clean(self):
        if any(self.errors):
            return
        if not any(f.cleaned_data.get("item_obj") for f in self.forms):
            raise forms.ValidationError(_("Add at least one item."))


DonationLineFormSet = formset_factory(
    DonationLineForm, formset=BaseDonationLines, extra=5, max_num=100, validate_max=True
)


def lot_label(balance) -> str:
    """How a person recognises a lot on the shelf: item, batch, expiry, how many."""
    lot = balance.lot
    parts = [balance.item.name_zh if hasattr(balance, "item") else lot.item.name_zh]
    parts.append(_("batch %(batch)s") % {"batch": lot.batch} if lot.batch else _("no batch"))
    parts.append(
        _("expires %(date)s") % {"date": lot.expiry.isoformat()} if lot.expiry else _("no expiry")
    )
    parts.append(
        _("%(qty)s %(unit)s on hand") % {"qty": f"{balance.on_hand:,}", "unit": lot.item.base_unit}
    )
    return " · ".join(str(p) for p in parts)


class AdjustmentForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    lot = forms.TypedChoiceField(label=_("Lot"), coerce=int)
    direction = forms.ChoiceField(
        label=_("Change"), choices=[("remove", _("Remove")), ("add", _("Add"))], initial="remove"
    )
    quantity = QuantityField(label=_("Quantity"))
    # An entry error is undone by voiding its donation line, where the ledger can check it.
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[c for c in AdjustmentReason.choices if c[0] != AdjustmentReason.ENTRY_ERROR],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, sites, balances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]
        self.fields["lot"].choices = [(b.lot_id, lot_label(b)) for b in balances]


class TransferForm(forms.Form):
    from_site = forms.ChoiceField(label=pgettext_lazy("transfer", "From"))
    to_site = forms.ChoiceField(label=pgettext_lazy("transfer", "To"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, sites, from_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_site"].choices = [(s.code, s.name) for s in sites]
        self.fields["to_site"].choices = [("", "—")] + [
            (s.code, s.name) for s in sites if from_site is None or s.code != from_site
        ]

    def clean(self):
        data = super().clean()
        if data.get("from_site") and data.get("from_site") == data.get("to_site"):
            self.add_error("to_site", _("Choose a different site to send the stock to."))
        return data


def counted_field() -> QuantityField:
    """One shelf count on the count sheet (zero allowed)."""
    return CountField(required=False)
