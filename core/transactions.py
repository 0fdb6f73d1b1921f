"""The transaction boundary of every service: `transaction.atomic`, retried once when
PostgreSQL breaks a deadlock or a serialization conflict, then a clean `ConcurrencyConflict`.

A deadlock victim's transaction is rolled back whole by the database, so running the service
again from the start is safe: it re-reads and re-locks everything. Only the outermost
boundary can do that; a service called inside another one's transaction turns the failure
into `ConcurrencyConflict` and the outer boundary retries the whole thing.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction

from core.exceptions import ConcurrencyConflict

P = ParamSpec("P")
T = TypeVar("T")

# PostgreSQL SQLSTATEs: serialization_failure, deadlock_detected, lock_not_available.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
ATTEMPTS = 2


def is_retryable(error: BaseException) -> bool:
    """A lost race, not a bug: the database gave up one transaction to let another go on."""
    if isinstance(error, ConcurrencyConflict):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "pgcode", None) in RETRYABLE_SQLSTATES:
        return True
    # SQLite: a writer waited longer than its timeout for the database lock.
    return "database is locked" in str(error)


def atomic_retrying(func: Callable[P, T]) -> Callable[P, T]:
    """Run `func` in one transaction; after a deadlock or serialization failure run it once
    more, and if that fails too raise `ConcurrencyConflict` (a 409 / a form error)."""

    @functools.wraps(func)
    def boundary(*args: P.args, **kwargs: P.kwargs) -> T:
        if transaction.get_connection().in_atomic_block:
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as error:
                if is_retryable(error):
                    raise ConcurrencyConflict() from error
                raise
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except (OperationalError, ConcurrencyConflict) as error:
                if not is_retryable(error):
                    raise
                if attempt == ATTEMPTS:
                    if isinstance(error, ConcurrencyConflict):
                        raise
                    raise ConcurrencyConflict() from error
        raise AssertionError("unreachable")  # the loop returns or raises

    return boundary
