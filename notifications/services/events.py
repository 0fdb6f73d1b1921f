"""Telling people what happened to a request or a shipment (an event, not a periodic check).

The domain services (requests, distribution) decide who is concerned and call `notify_event`
inside their transaction: the notifications commit or roll back with the change they report,
and their e-mails are queued only after the commit. Nobody is told of their own action. This
module knows nothing above `inventory`: kinds, ids and facts come from the caller.
"""

from collections.abc import Iterable
from typing import Any

from notifications.models import Notification
from notifications.services.alerts import notify


def notify_event(
    *,
    kind: str,
    subject: str,
    recipient_ids: Iterable[int],
    params: dict[str, Any],
    link: str,
    actor_id: int | None,
) -> list[Notification]:
    """Notify each recipient (but the actor) once of this event on `subject` (say
    "request=12"); returns the notifications made. The text is rendered when read, in the
    reader's language, from `kind` and `params` (see `notifications.texts`)."""
    recipients = {pk for pk in recipient_ids if pk is not None and pk != actor_id}
    return notify(
        kind=kind,
        recipient_ids=recipients,
        params=params,
        dedupe_key=f"{kind}:{subject}",
        link=link,
    )
