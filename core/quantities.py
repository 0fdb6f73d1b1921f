"""Quantities and counts as people type them: whole numbers of base units, bounded.

One form field and one API type, so no page, schema or sheet hands raw text to `int()`.
Full-width digits (a Chinese keyboard's １２０) are read as digits; anything else — letters,
"²", a decimal point, a twenty-digit number — is a field error in the page's language that
names the allowed range.
"""

import re
import unicodedata
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field

# A billion base units (pieces, pairs, grams…) is more than any one line of the 2020
# response held; anything larger is a typo, and it stays far below the 2**31 of the columns.
MAX_QUANTITY = 10**9

# Only these characters may appear: ASCII and full-width digits, and digit-group separators
# (half- and full-width comma, spaces). Checked before NFKC, which would turn "²" into "2".
_ALLOWED = re.compile(r"[0-9\uff10-\uff19,\uff0c \u3000\u00a0]*")
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")


def parse_quantity(raw: object, *, min_value: int = 1, max_value: int = MAX_QUANTITY) -> int:
    """The whole number typed in `raw`, between `min_value` and `max_value`, or a
    `ValidationError` saying the allowed range. Never calls `int()` on unchecked text."""
    if isinstance(raw, bool):
        raise _invalid(min_value, max_value)
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if not _ALLOWED.fullmatch(text):
            raise _invalid(min_value, max_value)
        text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").strip()
        if "," in text:
            if not _GROUPED.fullmatch(text):
                raise _invalid(min_value, max_value)
            text = text.replace(",", "")
        if not text.isascii() or not text.isdigit():
            raise _invalid(min_value, max_value)
        text = text.lstrip("0") or "0"
        if len(text) > len(str(max_value)):
            raise _invalid(min_value, max_value)
        value = int(text)
    if not min_value <= value <= max_value:
        raise _invalid(min_value, max_value)
    return value


def _invalid(min_value: int, max_value: int) -> ValidationError:
    return ValidationError(
        _("Enter a whole number from %(min)s to %(max)s."),
        code="invalid_quantity",
        params={
            "min": f"{min_value:,}",
            "max": f"{max_value:,}",
        },
    )


class QuantityField(forms.Field):
    """A bounded whole number for pages: a quantity (from 1) or a count (from 0).

    Rendered as a text box with the phone's number pad (`inputmode="numeric"`), not
    `type="number"`: a number input silently empties text it cannot read, so the person
    would never see what they typed beside the error."""

    widget = forms.TextInput

    def __init__(self, *, min_value: int = 1, max_value: int = MAX_QUANTITY, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "class": "qty"})
        return attrs

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return parse_quantity(value, min_value=self.min_value, max_value=self.max_value)


def CountField(**kwargs) -> QuantityField:
    """A count that may be zero (people served, units on the shelf)."""
    return QuantityField(min_value=0, **kwargs)


# The API's types: the same bounds as the pages.
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
Count = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
