"""The upload form: what to import, where to, and how; choices limited to the user's own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import ISODateField
from imports.importers.base import ImportOptions
from imports.models import ImportKind
from imports.normalise import clean_text
from imports.runner import importer_for
from inventory.models import Organisation, Site
from inventory.permissions import organisation_ids_for
from inventory.selectors import sites_for
from supply_requests.roles import roles_for


def kinds_for(user) -> list[tuple[str, str]]:
    """The kinds of import this user may start at all."""
    roles = roles_for(user)
    kinds = []
    for value, label in ImportKind.choices:
        if value == ImportKind.REQUESTS:
            allowed = roles.is_admin or roles.is_community_worker
        else:
            allowed = roles.is_admin or bool(roles.organisation_ids)
        if allowed:
            kinds.append((value, label))
    return kinds


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the sheet holds"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    site = forms.ModelChoiceField(
        label=_("Site (donations and distributions)"),
        queryset=Site.objects.none(),
        required=False,
    )
    file = forms.FileField(label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"))
    received_on = ISODateField(
        label=_("Date of the list (when the sheet gives none in a column, title or footer)"),
        required=False,
    )
    create_missing_items = forms.BooleanField(
        label=_("Create items that are not in the catalogue (marked for review)"), required=False
    )
    create_missing_receivers = forms.BooleanField(
        label=_("Create receivers that are not served units yet (distributions)"), required=False
    )
    submit = forms.BooleanField(
        label=_("Submit the requests to the coordinators (requests)"), required=False
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds_for(user)
        if user.is_superuser:
            self.fields["organisation"].queryset = Organisation.objects.all()
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=organisation_ids_for(user)
            )
        self.fields["site"].queryset = sites_for(user).filter(is_active=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt", ".tsv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and importer_for(kind).needs_site and not data.get("site"):
            self.add_error("site", _("Choose the site the goods are at."))
        if kind in (ImportKind.SITES, ImportKind.SERVED_UNITS) and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation."))
        return data

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            create_missing_items=data["create_missing_items"],
            create_missing_receivers=data["create_missing_receivers"],
            submit=data["submit"],
            received_on=data["received_on"],
        )


class ListDateForm(forms.Form):
    """The date of a list whose sheet gives none, asked in the preview."""

    day = ISODateField(label=_("Date of the list"))


class RowFixForm(forms.Form):
    """How a person fixes one held row in the preview (`imports.fixes.job_row_fix`); what
    may be chosen is checked against what the check offered for that row."""

    item = forms.IntegerField(required=False, label=_("Item"))
    alias = forms.BooleanField(required=False, label=_("Add the sheet's name as its alias"))
    unit = forms.CharField(required=False, max_length=20, label=_("The number counts"))
    pack_size = forms.CharField(required=False, max_length=12, label=_("Base units per pack"))
    split = forms.BooleanField(required=False, label=_("Accept the split"))

    def clean_pack_size(self) -> int | None:
        text = clean_text(self.cleaned_data["pack_size"]).replace(",", "")
        if not text:
            return None
        if not text.isdigit() or not 0 < int(text) <= 1_000_000:
            raise forms.ValidationError(_("Give the pack size as a whole number."))
        return int(text)
