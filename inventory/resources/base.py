"""The one base resource every app's resources build on (InvenTree's habit): spreadsheet
formulas escaped on export, a cap on the rows one import may bring, model validation on
import, and widgets for natural keys, choices and yes/no cells."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.results import Error

# One import (admin, page or command) reads at most this many rows; bigger files are split.
MAX_IMPORT_ROWS: int = getattr(settings, "IMPORTS_MAX_ROWS", 200_000)
# A cell starting with one of these is run as a formula by Excel, LibreOffice and WPS.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe, so it
    is shown as text (OWASP "CSV injection"). Numbers stay numbers: -5 is not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class YesNoWidget(widgets.BooleanWidget):
    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "yes", "Yes", "YES", "是", "y", "Y"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "no", "No", "NO", "否", "n", "N", ""]


class ChoiceWidget(widgets.Widget):
    """A choice by its value or its label in English or Chinese ("protective", "防护用品")."""

    def __init__(self, choices: type, **kwargs) -> None:
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        names = {}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for choice_value, label in self.choices.choices:
                    names[str(label).casefold()] = choice_value
        for choice_value in self.choices.values:
            names[choice_value.casefold()] = choice_value
        if text.casefold() not in names:
            raise ValueError(
                _("“%(value)s” is not one of %(choices)s.")
                % {"value": text, "choices": ", ".join(self.choices.values)}
            )
        return names[text.casefold()]

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CodeWidget(widgets.ForeignKeyWidget):
    """A row by its natural key ("n95-mask", "cd-wuhou-wh"); an unknown one is a row error
    naming the value, not an exception from deep inside the ORM."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(str(value).strip() if value is not None else value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


class SafeResource(resources.ModelResource):
    """The base of every resource: formula escaping on export, a row cap on import, and
    model validation (`full_clean`) on every imported instance."""

    max_rows = MAX_IMPORT_ROWS

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def import_data(self, dataset, *args, **kwargs):
        if len(dataset) > self.max_rows:
            result = self.get_result_class()()
            message = _("The sheet has %(rows)d rows; at most %(max)d can be imported at once.")
            result.append_base_error(
                Error(ValidationError(message % {"rows": len(dataset), "max": self.max_rows}))
            )
            return result
        return super().import_data(dataset, *args, **kwargs)
