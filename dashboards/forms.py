"""The dashboard filters, read from (and kept in) the URL's query string."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import ISODateField
from dashboards.selectors import Scope
from inventory.models import ItemCategory, Organisation

# A wider range than this is refused: a year of days is already 365 points per series.
MAX_RANGE_DAYS = 366

# Dates outside this range are refused as a field error: the selectors add and subtract
# days, and 0001-01-01 or 9999-12-31 would overflow Python's date into a 500.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _sane_date(value: date) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(
            _("Choose a date between %(start)s and %(end)s.")
            % {"start": EARLIEST.isoformat(), "end": LATEST.isoformat()}
        )


FILTER_FIELDS = ("organisation", "district", "category", "date_from", "date_to")


class FilterForm(forms.Form):
    """Organisation, district, category and date range — each only among what the reader
    may see: an organisation she works for, a district above her units."""

    organisation = forms.TypedChoiceField(
        label=_("Organisation"), coerce=int, required=False, empty_value=None
    )
    district = forms.TypedChoiceField(
        label=_("District"), coerce=int, required=False, empty_value=None
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    date_from = ISODateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        validators=[_sane_date],
    )
    date_to = ISODateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        validators=[_sane_date],
    )

    def __init__(self, data, *, scope: Scope, unit_page: bool = False) -> None:
        super().__init__(data)
        roles = scope.roles
        # Callables: the organisations are only queried when the form is shown or an
        # organisation is asked for, so the JSON endpoints pay nothing for an unused filter.
        self.fields["organisation"].choices = lambda: [
            ("", _("All my organisations")),
            *(
                (o.pk, o.name_zh)
                for o in (
                    Organisation.objects.all()
                    if roles.is_admin
                    else Organisation.objects.filter(pk__in=roles.organisation_ids)
                ).order_by("code")
            ),
        ]
        self.fields["district"].choices = [
            ("", _("All districts")),
            *((d.pk, d.label) for d in scope.directory.districts()),
        ]
        self.fields["category"].choices = [("", _("All categories")), *ItemCategory.choices]
        if unit_page or not scope.can_see_stock:
            # A community worker's page is one unit: organisation and district do not apply.
            del self.fields["organisation"]
            del self.fields["district"]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start date is after the end date."))
            if end - start > timedelta(days=MAX_RANGE_DAYS):
                raise forms.ValidationError(
                    _("Choose at most %(days)d days.") % {"days": MAX_RANGE_DAYS}
                )
        return data

    def filters(self) -> dict:
        """The filters that are valid (a bad one is dropped, not the whole lot), by the
        names `dashboards.selectors.narrow` takes."""
        cleaned = getattr(self, "cleaned_data", {})
        if self.non_field_errors():
            cleaned = {k: v for k, v in cleaned.items() if k not in ("date_from", "date_to")}
        values = {name: cleaned.get(name) for name in FILTER_FIELDS if name in self.fields}
        return {
            "organisation_id": values.get("organisation"),
            "district_id": values.get("district"),
            "category": values.get("category") or None,
            "date_from": values.get("date_from"),
            "date_to": values.get("date_to"),
        }
