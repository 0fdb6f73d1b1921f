"""What every API router shares: the one error shape, pagination and the id type (quantities:
`core.quantities`).

Errors are always `{"detail": "...", "code": "..."}` (plus `errors` for 422): a client can
branch on `code` and show `detail` to a person.
"""

from typing import Annotated

from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Error(Schema):
    detail: str
    code: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: str
    code: str
    errors: list[FieldError]


# Every operation documents these, so clients (and schemathesis) know the error shape.
ERRORS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: ValidationErrorOut,
    429: Error,
}


def responses(ok: dict) -> dict:
    """Response map of an operation: its success schemas plus the shared error shapes."""
    return {**ERRORS, **ok}


def error_body(status: int, detail: str, code: str) -> dict:
    """The JSON body of an error response (422 always carries a list of field errors)."""
    body: dict = {"detail": detail, "code": code}
    if status == 422:
        body["errors"] = []
    return body


# Database integers stop at 2**63-1; a larger id from a client is a 422, not a crash.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Page(LimitOffsetPagination):
    """`limit`/`offset` → `{"items": [...], "count": N}`."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)


def get_visible(queryset: QuerySet, pk: int):
    """An object the caller may see, or 404 — never a hint that it exists elsewhere."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj
