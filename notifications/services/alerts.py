"""Raising alerts once per crossing, and putting notifications in inboxes.

A check computes which subjects are in alert right now and hands them to `alerts_reconcile`,
which, in one transaction, compares them with `AlertState`: a subject newly in alert is raised
(its crossing number goes up by one and its people are notified, keyed by that crossing), one
still in alert is left alone, and one no longer in alert is cleared, so that it alerts again
if it crosses again. E-mails are queued only after the transaction commits.
"""

import logging
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications import conf
from notifications.models import AlertState, EmailStatus, Notification

log = logging.getLogger(__name__)

# Large IN (...) lists are sent in slices: SQLite caps the number of query parameters.
_CHUNK = 500


@dataclass(frozen=True)
class Alert:
    """A subject in alert now: who must hear of it, and what to tell them."""

    subject: str
    recipient_ids: frozenset[int]
    params: dict[str, Any]
    link: str = ""


@dataclass(frozen=True)
class CheckResult:
    kind: str
    in_alert: int = 0
    raised: int = 0
    cleared: int = 0
    notification_ids: tuple[int, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """What a task returns: small and JSON-serialisable."""
        return {
            "kind": str(self.kind),
            "in_alert": self.in_alert,
            "raised": self.raised,
            "cleared": self.cleared,
            "notified": len(self.notification_ids),
        }


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _rows(
    *,
    kind: str,
    recipients: Iterable[int],
    params: dict[str, Any],
    link: str,
    dedupe_key: str,
    with_email: Collection[int],
) -> list[Notification]:
    return [
        Notification(
            recipient_id=recipient_id,
            kind=kind,
            params=params,
            link=link,
            dedupe_key=dedupe_key,
            email_status=EmailStatus.PENDING if recipient_id in with_email else "",
        )
        for recipient_id in sorted(recipients)
    ]


def _insert(rows: list[Notification]) -> list[Notification]:
    """Insert the notifications, skipping any whose (recipient, key) exists; return the rows
    as stored. A concurrent writer of the same key waits on the unique index and then skips:
    the constraint, not a read beforehand, is what makes "once" true."""
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=_CHUNK)
    wanted = {(row.recipient_id, row.dedupe_key) for row in rows}
    keys = sorted({row.dedupe_key for row in rows})
    stored: list[Notification] = []
    for chunk in _chunks(keys):
        stored += [
            n
            for n in Notification.objects.filter(dedupe_key__in=chunk).order_by("pk")
            if (n.recipient_id, n.dedupe_key) in wanted
        ]
    return stored


def notify(
    *,
    kind: str,
    recipient_ids: Iterable[int],
    params: dict[str, Any],
    dedupe_key: str,
    link: str = "",
) -> list[Notification]:
    """Put one notification in each recipient's inbox, at most once per dedupe key, and
    queue its e-mail after commit. Returns only the notifications created by this call."""
    recipients = set(recipient_ids)
    if not recipients:
        return []
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(
                recipient_id__in=list(recipients), dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        wanted = recipients - existing
        rows = _rows(
            kind=kind,
            recipients=wanted,
            params=params,
            link=link,
            dedupe_key=dedupe_key,
            with_email=_with_email(wanted),
        )
        created = _insert(rows) if rows else []
        email_after_commit(created)
    return created


def _with_email(user_ids: Collection[int]) -> set[int]:
    if not user_ids or not conf.email_enabled():
        return set()
    found: set[int] = set()
    for chunk in _chunks(sorted(user_ids)):
        found.update(
            get_user_model()
            .objects.filter(pk__in=chunk, is_active=True)
            .exclude(email="")
            .values_list("pk", flat=True)
        )
    return found


def email_after_commit(notifications: Iterable[Notification]) -> None:
    """Queue the e-mails of these notifications once the transaction commits."""
    notification_ids = [n.pk for n in notifications if n.email_status == EmailStatus.PENDING]
    if not notification_ids:
        return
    from notifications.tasks import send_notification_emails  # tasks import services

    def queue() -> None:
        for chunk in _chunks(notification_ids, 200):
            send_notification_emails.delay(list(chunk))

    # robust: a broker that is down must not undo or fail the committed alert; the e-mail
    # sweep (`send_pending_emails`) sends whatever was not queued.
    transaction.on_commit(queue, robust=True)


def _states(kind: str, subjects: Collection[str]) -> dict[str, AlertState]:
    """Active states of the kind, plus the (inactive) states of subjects in alert now."""
    states = {s.subject: s for s in AlertState.objects.filter(kind=kind, is_active=True)}
    missing = sorted(set(subjects) - set(states))
    for chunk in _chunks(missing):
        states.update(
            (s.subject, s) for s in AlertState.objects.filter(kind=kind, subject__in=chunk)
        )
    return states


def _claim_crossings(
    kind: str, subjects: Collection[str], states: dict[str, AlertState]
) -> dict[str, int]:
    """Mark the subjects in alert; return the crossing number of each that this run raised.

    A subject never seen before starts at crossing 1 (if another run inserts it at the same
    moment, both say 1 and the notifications' unique key lets only one through). A cleared
    one is re-raised by a conditional UPDATE: of two runs that both saw it clear, one wins.
    """
    now = timezone.now()
    new = sorted(subject for subject in subjects if subject not in states)
    AlertState.objects.bulk_create(
        [
            AlertState(kind=kind, subject=subject, is_active=True, crossings=1, raised_at=now)
            for subject in new
        ],
        ignore_conflicts=True,
        batch_size=_CHUNK,
    )
    crossings = dict.fromkeys(new, 1)
    for subject in sorted(set(subjects) - set(new)):
        state = states[subject]
        if state.is_active:
            continue
        won = AlertState.objects.filter(
            pk=state.pk, is_active=False, crossings=state.crossings
        ).update(is_active=True, crossings=F("crossings") + 1, raised_at=now)
        if won:
            crossings[subject] = state.crossings + 1
    return crossings


def alerts_reconcile(
    *, kind: str, alerts: Iterable[Alert], scope: Collection[str] | None = None
) -> CheckResult:
    """Raise what newly crossed, leave what still holds, clear what no longer holds.

    `scope`: the subjects this run looked at; None means every subject of the kind (only
    subjects in scope can be cleared by a partial run). One transaction: a run killed
    half-way leaves nothing behind, and the next run does all of it.
    """
    by_subject = {alert.subject: alert for alert in alerts}
    with transaction.atomic():
        states = _states(kind, by_subject)
        crossings = _claim_crossings(kind, by_subject, states)
        with_email = _with_email(
            set().union(*(by_subject[s].recipient_ids for s in crossings)) if crossings else ()
        )
        rows: list[Notification] = []
        for subject, crossing in sorted(crossings.items()):
            alert = by_subject[subject]
            rows += _rows(
                kind=kind,
                recipients=alert.recipient_ids,
                params=alert.params,
                link=alert.link,
                dedupe_key=f"{kind}:{subject}:{crossing}",
                with_email=with_email,
            )
        created = _insert(rows) if rows else []
        stale = [
            state.pk
            for subject, state in states.items()
            if state.is_active and subject not in by_subject and (scope is None or subject in scope)
        ]
        cleared = 0
        for chunk in _chunks(stale):
            cleared += AlertState.objects.filter(pk__in=chunk, is_active=True).update(
                is_active=False, cleared_at=timezone.now()
            )
        # One queueing for the whole run, so each recipient gets one e-mail listing all.
        email_after_commit(created)
    result = CheckResult(
        kind=str(kind),
        in_alert=len(by_subject),
        raised=len(crossings),
        cleared=cleared,
        notification_ids=tuple(n.pk for n in created),
    )
    log.info("alert check %s", result.as_dict())
    return result
