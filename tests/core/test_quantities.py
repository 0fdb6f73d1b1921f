"""The one bounded quantity: what people type on a Chinese phone is read or refused, never
handed to int() unchecked."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.quantities import MAX_QUANTITY, QuantityField, parse_quantity


@pytest.mark.parametrize(
    ("typed", "value"),
    [("120", 120), ("１２０", 120), (" 7 ", 7), ("2,000,000", 2_000_000), ("２，０００", 2000)],
)
def test_digits_half_and_full_width_and_grouped_are_read(typed, value):
    assert parse_quantity(typed) == value


@pytest.mark.parametrize(
    "typed",
    ["²", "99999999999999999999", "1000000001", "abc", "-1", "1.5", "0", "1,00", "五", "1e3", ""],
)
def test_anything_else_is_a_validation_error_naming_the_range(typed):
    with pytest.raises(ValidationError) as caught:
        parse_quantity(typed)
    assert "1,000,000,000" in caught.value.messages[0]


def test_a_count_may_be_zero_and_stops_at_the_domain_maximum():
    assert parse_quantity("0", min_value=0) == 0
    assert parse_quantity(str(MAX_QUANTITY), min_value=0) == MAX_QUANTITY


def test_the_error_is_in_the_page_language():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as caught:
            QuantityField().clean("²")
        assert "整数" in caught.value.messages[0]


def test_an_empty_optional_field_is_none():
    assert QuantityField(required=False).clean("  ") is None
