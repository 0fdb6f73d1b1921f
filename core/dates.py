"""Dates in forms: always ISO yyyy-mm-dd on the wire, whatever the page's language.

A browser's `<input type="date">` only accepts `value="2026-12-01"`; Django renders a date
in the language's first input format (`2026/12/01` in zh-hans), which the browser rejects
and shows blank, so the next submit loses the date. These widgets pin the ISO format, and
the fields read ISO first, then the language's own formats (a person typing by hand).
"""

from django import forms
from django.utils.formats import get_format

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ISODateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


class ISODateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)


class _ISOFirst:
    """Input formats evaluated per request: ISO, then the active language's."""

    def __init__(self, iso: list[str], setting: str):
        self.iso = iso
        self.setting = setting

    def __iter__(self):
        seen = set()
        for fmt in [*self.iso, *get_format(self.setting)]:
            if fmt not in seen:
                seen.add(fmt)
                yield fmt


class ISODateField(forms.DateField):
    widget = ISODateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", _ISOFirst([ISO_DATE], "DATE_INPUT_FORMATS"))
        super().__init__(**kwargs)


class ISODateTimeField(forms.DateTimeField):
    widget = ISODateTimeInput

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "input_formats",
            _ISOFirst([ISO_DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"], "DATETIME_INPUT_FORMATS"),
        )
        super().__init__(**kwargs)
