"""Forms for the request pages. They validate input; the rules stay in the services."""

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import ISODateField
from core.quantities import CountField, QuantityField
from inventory.models import Item, ItemCategory
from supply_requests.models import Priority


def item_choices() -> list:
    """Items grouped by category, each labelled in Chinese and English, for a phone select."""
    groups: dict[str, list] = {value: [] for value, _label in ItemCategory.choices}
    for code, name_zh, name_en, category in Item.objects.order_by(
        "category", "name_zh"
    ).values_list("code", "name_zh", "name_en", "category"):
        groups[category].append((code, f"{name_zh} / {name_en}" if name_en else name_zh))
    return [("", "—")] + [
        (label, groups[value]) for value, label in ItemCategory.choices if groups[value]
    ]


class RequestForm(forms.Form):
    served_unit = forms.TypedChoiceField(label=_("For"), coerce=int)
    priority = forms.ChoiceField(
        label=_("Urgency"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )
    people_served = CountField(label=_("People served"), initial=0, required=False)
    needed_by = ISODateField(label=_("Needed by"), required=False)
    reason = forms.CharField(
        label=_("Why is it needed?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_unit"].choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            self.fields["served_unit"].initial = units[0].pk

    def clean_needed_by(self):
        needed_by = self.cleaned_data.get("needed_by")
        kept = needed_by == self.initial.get("needed_by")
        if needed_by and needed_by < timezone.localdate() and not kept:
            raise forms.ValidationError(_("The date it is needed by has already passed."))
        return needed_by

    def clean_people_served(self):
        return self.cleaned_data.get("people_served") or 0


class RequestLineForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), required=False)
    quantity = QuantityField(label=_("Quantity"), required=False)
    unknown = forms.BooleanField(label=_("Quantity unknown"), required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items or item_choices()

    def clean(self):
        """Every combination that would lose what was typed is an error on its line."""
        data = super().clean()
        typed = data.get("quantity") is not None or "quantity" in self.errors
        if not data.get("item"):
            if typed or data.get("unknown"):
                self.add_error("item", _("Which item is this quantity for?"))
            return data
        if data.get("unknown") and typed:
            self.add_error(
                "quantity",
                _("You ticked “quantity unknown” and typed a quantity: clear one of them."),
            )
        elif not data.get("unknown") and not typed:
            self.add_error("quantity", _("Give a quantity, or tick “quantity unknown”."))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["items"] = self.items
        return kwargs

    def __init__(self, *args, **kwargs):
        self.items = item_choices()
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        chosen = [f.cleaned_data["item"] for f in self.forms if f.cleaned_data.get("item")]
        if not chosen:
            raise forms.ValidationError(_("Choose at least one item."))
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("Each item may appear only once."))


RequestLineFormSet = formset_factory(RequestLineForm, formset=BaseLineFormSet, extra=4, max_num=30)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
