"""Every change to a supply request: one function per transition.

Each transition locks the request row, re-checks its current state, refuses an illegal move
with an error naming the state it is in, and writes a `RequestStatusChange`. Locking order,
kept by every service in every layer: request, then its lines, then stock balances.

Reservations live a layer up (`logistics`), so cancelling or closing a request that still
holds reserved stock is refused here; `logistics.services` releases the stock and then calls
these functions in the same transaction.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import IllegalTransition, ValidationFailed
from core.transactions import atomic_retrying
from inventory.models import Item
from inventory.services.ledger_bulk import update_rows
from supply_requests.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    Priority,
    RequestStatus,
    RequestStatusChange,
    ServedUnit,
    SupplyRequest,
    SupplyRequestLine,
)
from supply_requests.notices import request_decided_notify, request_submitted_notify
from supply_requests.roles import (
    require_coordinator,
    require_requester,
    require_requester_or_coordinator,
)


@dataclass(frozen=True)
class RequestLineInput:
    item: Item
    quantity: int | None  # None: quantity unknown, the approver decides
    note: str = ""


def lock_request(request: SupplyRequest) -> SupplyRequest:
    return (
        SupplyRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("served_unit")
        .get(pk=request.pk)
    )


def _ensure_can_become(request: SupplyRequest, to: str, allowed_from: Collection[str]) -> None:
    if request.status not in allowed_from:
        raise IllegalTransition(
            _("Request #%(id)d is %(status)s; it cannot become %(to)s.")
            % {
                "id": request.pk,
                "status": request.get_status_display(),
                "to": RequestStatus(to).label,
            },
            current=request.status,
        )


def _transition(
    request: SupplyRequest,
    *,
    to: str,
    allowed_from: Collection[str],
    actor: AbstractBaseUser,
    note: str = "",
) -> SupplyRequest:
    """Move a locked request to `to`, or refuse, naming the state it is in."""
    _ensure_can_become(request, to, allowed_from)
    previous = request.status
    request.status = to
    request.save()
    RequestStatusChange.objects.create(
        request=request, from_status=previous, to_status=to, actor=actor, note=note
    )
    return request


def _prefetched(request: SupplyRequest, relation: str, rows: list) -> None:
    """Fill the request's prefetch cache of `relation` with rows already in hand, as
    Django's own `prefetch_related` does (`prefetch_one_level`): `.all()` and `.count()`
    answer from them, any other query on the relation still goes to the database."""
    queryset = getattr(request, relation).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    request.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


def _check_lines(lines: Sequence[RequestLineInput]) -> None:
    if not lines:
        raise ValidationFailed(_("A request needs at least one item."))
    if len({line.item.pk for line in lines}) != len(lines):
        raise ValidationFailed(_("Each item may appear only once in a request."))
    for line in lines:
        if line.quantity is not None and line.quantity <= 0:
            raise ValidationFailed(
                _("The quantity of %(item)s must be more than zero, or left unknown.")
                % {"item": line.item.name_zh}
            )


@atomic_retrying
def request_create(
    *,
    actor: AbstractBaseUser,
    served_unit: ServedUnit,
    lines: Sequence[RequestLineInput],
    priority: str = Priority.NORMAL,
    needed_by: date | None = None,
    people_served: int = 0,
    reason: str = "",
    on_behalf: bool = False,
    submit: bool = False,
) -> SupplyRequest:
    """A community worker drafts a request for one of her served units; `on_behalf`, a
    coordinator who serves the unit may too (a needs list the unit sent her, imported).

    `submit`: drafted and sent to the coordinators at once (the phone's outbox), exactly as
    `request_submit` would right after, in this transaction — its history has both steps.
    The new row is this transaction's own, invisible to everyone else until commit, so
    there is nothing to lock or re-read: it is written as submitted.

    The request comes back with its lines and history as written (Django's prefetch cache
    filled from the objects in hand), so an answer shows them without reading them back."""
    if on_behalf:
        require_requester_or_coordinator(actor, served_unit)
    else:
        require_requester(actor, served_unit)
    if priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority “%(p)s”.") % {"p": priority})
    if people_served < 0:
        raise ValidationFailed(_("People served cannot be negative."))
    if not served_unit.is_active:
        raise ValidationFailed(_("%(unit)s is no longer active.") % {"unit": served_unit.name})
    _check_lines(lines)
    now = timezone.now()
    request = SupplyRequest.objects.create(
        served_unit=served_unit,
        requested_by=actor,
        priority=priority,
        needed_by=needed_by,
        people_served=people_served,
        reason=reason,
        status=RequestStatus.SUBMITTED if submit else RequestStatus.DRAFT,
        submitted_at=now if submit else None,
    )
    written = SupplyRequestLine.objects.bulk_create(
        SupplyRequestLine(
            request=request, item=line.item, quantity_requested=line.quantity, note=line.note
        )
        for line in lines
    )
    steps = [("", RequestStatus.DRAFT)]
    if submit:
        steps.append((RequestStatus.DRAFT, RequestStatus.SUBMITTED))
    history = RequestStatusChange.objects.bulk_create(
        RequestStatusChange(request=request, from_status=a, to_status=b, actor=actor, at=now)
        for a, b in steps
    )
    # What `prefetch_related("lines", "history")` would read now: these rows are this
    # transaction's own (lines in id order, as every answer shows them).
    _prefetched(request, "lines", sorted(written, key=lambda line: line.pk))
    _prefetched(request, "history", history)
    if submit:
        request_submitted_notify(request=request, actor_id=actor.pk)
    return request


@atomic_retrying
def request_update_draft(
    *,
    actor: AbstractBaseUser,
    request: SupplyRequest,
    lines: Sequence[RequestLineInput],
    priority: str,
    needed_by: date | None,
    people_served: int,
    reason: str,
) -> SupplyRequest:
    """Edit a draft (the request only changes while it is the requester's own draft)."""
    request = lock_request(request)
    require_requester(actor, request.served_unit)
    if request.status != RequestStatus.DRAFT:
        raise IllegalTransition(
            _("Request #%(id)d is %(status)s; only a draft can be edited.")
            % {"id": request.pk, "status": request.get_status_display()},
            current=request.status,
        )
    if priority not in Priority.values:
        raise ValidationFailed(_("Unknown priority “%(p)s”.") % {"p": priority})
    _check_lines(lines)
    request.priority, request.needed_by = priority, needed_by
    request.people_served, request.reason = people_served, reason
    request.save()
    request.lines.all().delete()
    SupplyRequestLine.objects.bulk_create(
        SupplyRequestLine(
            request=request, item=line.item, quantity_requested=line.quantity, note=line.note
        )
        for line in lines
    )
    return request


@atomic_retrying
def request_submit(
    *, actor: AbstractBaseUser, request: SupplyRequest, on_behalf: bool = False
) -> SupplyRequest:
    """Send a draft to the coordinators (`on_behalf`: see `request_create`)."""
    request = lock_request(request)
    if on_behalf:
        require_requester_or_coordinator(actor, request.served_unit)
    else:
        require_requester(actor, request.served_unit)
    request.submitted_at = timezone.now()
    request = _transition(
        request, to=RequestStatus.SUBMITTED, allowed_from={RequestStatus.DRAFT}, actor=actor
    )
    request_submitted_notify(request=request, actor_id=actor.pk)
    return request


@atomic_retrying
def request_approve(
    *,
    actor: AbstractBaseUser,
    request: SupplyRequest,
    approved: Mapping[int, int],
    note: str = "",
) -> SupplyRequest:
    """Decide per line how much may be given (0 … requested; any amount for an unknown one).

    Every line is decided at once. Approving everything asked is `approved`; less on any
    line is `partially_approved`; approving nothing at all must be a rejection with a reason.
    """
    request = lock_request(request)
    require_coordinator(actor, request.served_unit)
    _ensure_can_become(request, RequestStatus.APPROVED, {RequestStatus.SUBMITTED})
    lines = list(request.lines.select_for_update(of=("self",), no_key=True).order_by("id"))
    line_ids = {line.pk for line in lines}
    if set(approved) != line_ids:
        missing = sorted(line_ids - set(approved))
        unknown = sorted(set(approved) - line_ids)
        raise ValidationFailed(
            _("Decide every line of the request: missing %(missing)s, not in it %(unknown)s.")
            % {"missing": missing or "-", "unknown": unknown or "-"}
        )
    partial = False
    for line in lines:
        quantity = approved[line.pk]
        if quantity is None or quantity < 0:
            raise ValidationFailed(_("An approved quantity must be zero or more."))
        if line.quantity_requested is not None and quantity > line.quantity_requested:
            raise ValidationFailed(
                _("%(item)s: %(approved)d approved is more than the %(requested)d requested.")
                % {
                    "item": line.item.name_zh,
                    "approved": quantity,
                    "requested": line.quantity_requested,
                }
            )
        # An unknown quantity is fully approved by any positive amount.
        if quantity < (line.quantity_requested or 1):
            partial = True
        line.quantity_approved = quantity
    if not any(line.quantity_approved for line in lines):
        raise ValidationFailed(_("Nothing approved: reject the request with a reason instead."))
    SupplyRequestLine.objects.bulk_update(lines, ["quantity_approved"])
    request.decided_at = timezone.now()
    request.decision_note = note
    to = RequestStatus.PARTIALLY_APPROVED if partial else RequestStatus.APPROVED
    request = _transition(
        request, to=to, allowed_from={RequestStatus.SUBMITTED}, actor=actor, note=note
    )
    request_decided_notify(request=request, actor_id=actor.pk, note=note)
    return request


@atomic_retrying
def request_reject(
    *, actor: AbstractBaseUser, request: SupplyRequest, reason: str
) -> SupplyRequest:
    """Refuse a submitted request; the community is told why."""
    request = lock_request(request)
    require_coordinator(actor, request.served_unit)
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for the rejection."))
    request.decided_at = timezone.now()
    request.decision_note = reason.strip()
    request = _transition(
        request,
        to=RequestStatus.REJECTED,
        allowed_from={RequestStatus.SUBMITTED},
        actor=actor,
        note=reason.strip(),
    )
    request_decided_notify(request=request, actor_id=actor.pk, note=reason.strip())
    return request


def require_close_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for closing the request short."))


def _refuse_if_stock_is_held(request: SupplyRequest, verb: str) -> None:
    lines = request.lines.all()
    on_the_way = sum(line.quantity_dispatched - line.quantity_delivered for line in lines)
    if on_the_way:
        raise IllegalTransition(
            _("%(qty)d of request #%(id)d is on its way; confirm the delivery before you %(verb)s.")
            % {"qty": on_the_way, "id": request.pk, "verb": verb},
            current=request.status,
        )
    reserved = sum(line.quantity_allocated - line.quantity_dispatched for line in lines)
    if reserved:
        raise IllegalTransition(
            _("%(qty)d of request #%(id)d is still reserved; release it before you %(verb)s.")
            % {"qty": reserved, "id": request.pk, "verb": verb},
            current=request.status,
        )


@atomic_retrying
def request_cancel(
    *, actor: AbstractBaseUser, request: SupplyRequest, note: str = ""
) -> SupplyRequest:
    """Withdraw an open request (its requester or a coordinator). Reserved stock must have
    been released (`logistics.services.request_cancel_releasing` does both)."""
    request = lock_request(request)
    require_requester_or_coordinator(actor, request.served_unit)
    if request.status in OPEN_STATUSES:
        _refuse_if_stock_is_held(request, _("cancel"))
    request.closed_at = timezone.now()
    return _transition(
        request, to=RequestStatus.CANCELLED, allowed_from=OPEN_STATUSES, actor=actor, note=note
    )


@atomic_retrying
def request_close(*, actor: AbstractBaseUser, request: SupplyRequest, reason: str) -> SupplyRequest:
    """Close a decided request short of what was approved, with the reason why."""
    request = lock_request(request)
    require_coordinator(actor, request.served_unit)
    require_close_reason(reason)
    if request.status in ACTIVE_STATUSES:
        _refuse_if_stock_is_held(request, _("close it"))
    request.closed_at = timezone.now()
    request = _transition(
        request,
        to=RequestStatus.CLOSED,
        allowed_from=ACTIVE_STATUSES,
        actor=actor,
        note=reason.strip(),
    )
    request_decided_notify(request=request, actor_id=actor.pk, note=reason.strip())
    return request


def request_lines_record(
    *,
    actor: AbstractBaseUser,
    lines: Sequence[SupplyRequestLine],
    allocated: Mapping[int, int] | None = None,
    dispatched: Mapping[int, int] | None = None,
) -> None:
    """`request_line_record` for many lines at once (by line id: what was allocated or
    dispatched), in a fixed number of statements whatever their number (issue 19): the
    same checks per line, one UPDATE of the lines, and one of the requests that move into
    fulfilment with their history rows. Each line's request is already locked."""
    assert transaction.get_connection().in_atomic_block
    allocated, dispatched = allocated or {}, dispatched or {}
    for line in lines:
        request = line.request
        if request.status not in ACTIVE_STATUSES:
            raise IllegalTransition(
                _("Request #%(id)d is %(status)s; no stock can move for it.")
                % {"id": request.pk, "status": request.get_status_display()},
                current=request.status,
            )
        line.quantity_allocated += allocated.get(line.pk, 0)
        line.quantity_dispatched += dispatched.get(line.pk, 0)
        if not (
            0
            <= line.quantity_delivered
            <= line.quantity_dispatched
            <= line.quantity_allocated
            <= line.quantity_approved
        ):
            raise ValidationFailed(
                _("%(item)s: more than approved (%(approved)d) would be allocated or shipped.")
                % {"item": line.item.name_zh, "approved": line.quantity_approved}
            )
    update_rows(SupplyRequestLine, lines, ["quantity_allocated", "quantity_dispatched"])
    starting = {
        line.request.pk: line.request
        for line in lines
        if line.request.status != RequestStatus.IN_FULFILMENT and line.quantity_allocated > 0
    }
    if starting:
        SupplyRequest.objects.filter(pk__in=starting).update(status=RequestStatus.IN_FULFILMENT)
        RequestStatusChange.objects.bulk_create(
            RequestStatusChange(
                request=request,
                from_status=request.status,
                to_status=RequestStatus.IN_FULFILMENT,
                actor=actor,
            )
            for request in starting.values()
        )
        for request in starting.values():
            request.status = RequestStatus.IN_FULFILMENT


def request_line_record(
    *,
    actor: AbstractBaseUser,
    request: SupplyRequest,
    line: SupplyRequestLine,
    allocated: int = 0,
    dispatched: int = 0,
    delivered: int = 0,
    short: int = 0,
) -> SupplyRequestLine:
    """Move a line's counters; called by distribution inside its transaction with `request`
    locked (`lock_request`). The request follows: its first allocation puts it in
    fulfilment; once every line is delivered in full it is fulfilled."""
    assert transaction.get_connection().in_atomic_block
    assert line.request_id == request.pk
    if request.status not in ACTIVE_STATUSES:
        raise IllegalTransition(
            _("Request #%(id)d is %(status)s; no stock can move for it.")
            % {"id": request.pk, "status": request.get_status_display()},
            current=request.status,
        )
    line.quantity_allocated += allocated
    line.quantity_dispatched += dispatched
    line.quantity_delivered += delivered
    line.quantity_short += short
    if not (
        0
        <= line.quantity_delivered
        <= line.quantity_dispatched
        <= line.quantity_allocated
        <= line.quantity_approved
    ):
        raise ValidationFailed(
            _("%(item)s: more than approved (%(approved)d) would be allocated or shipped.")
            % {"item": line.item.name_zh, "approved": line.quantity_approved}
        )
    line.save(
        update_fields=[
            "quantity_allocated",
            "quantity_dispatched",
            "quantity_delivered",
            "quantity_short",
        ]
    )
    if request.status != RequestStatus.IN_FULFILMENT and line.quantity_allocated > 0:
        _transition(
            request, to=RequestStatus.IN_FULFILMENT, allowed_from=ACTIVE_STATUSES, actor=actor
        )
    if delivered and all(
        other.quantity_delivered >= other.quantity_approved for other in request.lines.all()
    ):
        request.closed_at = timezone.now()
        _transition(
            request,
            to=RequestStatus.FULFILLED,
            allowed_from={RequestStatus.IN_FULFILMENT},
            actor=actor,
        )
    return line
