"""Domain errors shared by every layer. Pages, the API and imports turn them into a form
error, a 4xx JSON reason or a row-level message; they are never a 500."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the operation. `code` is stable for API clients."""

    code = "invalid"
    default_message = _("The operation is not allowed.")

    def __init__(self, message: str | None = None, **details: object) -> None:
        self.message = str(message or self.default_message)
        self.details = details
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = "validation_error"


class InsufficientStock(DomainError):
    code = "insufficient_stock"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class Conflict(DomainError):
    """The thing already exists (a receipt number used twice): 409, nothing written."""

    code = "conflict"


class NotPermitted(DomainError):
    code = "permission_denied"
    default_message = _("You may not do this.")


class ConcurrencyConflict(DomainError):
    """Another transaction held the same rows (a deadlock or serialization failure that
    persisted after one retry). Nothing was written; trying again later will usually work."""

    code = "conflict"
    default_message = _(
        "Someone else was changing the same stock or request at the same moment; nothing "
        "was saved. Please try again."
    )
