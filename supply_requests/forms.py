"""Forms for the request pages. They validate input; the rules stay in the services."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

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
    people_served = forms.IntegerField(label=_("People served"), min_value=0, initial=0)
    needed_by = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Why is it needed?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_unit"].choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            self.fields["served_unit"].initial = units[0].pk


class RequestLineForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1)
    unknown = forms.BooleanField(label=_("Quantity unknown"), required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = items or item_choices()

    def clean(self):
        data = super().clean()
        if data.get("item") and not data.get("unknown") and not data.get("quantity"):
            self.add_error("quantity", _("Give a quantity, or tick “quantity unknown”."))
        if data.get("unknown"):
            data["quantity"] = None
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
