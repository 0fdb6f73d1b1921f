"""When the demo story happens: the facts of 25 January – 9 February 2020, told in the present.

The story's dates are written as they were in 2020. A `StoryClock` moves every one of them by
the same number of days, so that the story's last day is the day the demo is loaded (or the
day given with `--as-of`): requests wait hours, lots expire months ahead (or expired last
week, like the vegetables did), and a van dispatched "three days ago" is overdue today. When
the demo is loaded in the morning, before the hour of the story's last step, the moments are
also pulled back by that lag, so nothing happens in the future.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The response happened in China: demo times are Beijing time whatever TIME_ZONE says.
SHANGHAI = ZoneInfo("Asia/Shanghai")

STORY_FIRST_DAY = date(2020, 1, 25)
STORY_LAST_DAY = date(2020, 2, 9)
# The last step of the story (a request drafted at 17:00 on 9 February).
STORY_LAST_MOMENT = datetime.combine(STORY_LAST_DAY, time(17, 0), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class StoryClock:
    """Moves 2020 dates and moments to the day the story is told."""

    days: int = 0
    lag: timedelta = timedelta()

    @property
    def as_of(self) -> date:
        """The story's last day, as told."""
        return self.day(STORY_LAST_DAY)

    def day(self, day: date) -> date:
        return day + timedelta(days=self.days)

    def moment(self, moment: datetime) -> datetime:
        return moment + timedelta(days=self.days) - self.lag


def clock_for(as_of: date, *, now: datetime) -> StoryClock:
    """The clock whose last story day is `as_of`; on the day itself, nothing after `now`."""
    days = (as_of - STORY_LAST_DAY).days
    clock = StoryClock(days=days)
    # A minute of margin: the rows the story writes must be dated before the load started.
    latest = now - timedelta(minutes=1)
    last = clock.moment(STORY_LAST_MOMENT)
    if last > latest:
        clock = StoryClock(days=days, lag=last - latest)
    return clock


def as_of_of(first_donation_day: date) -> date:
    """The story's last day in a world whose first donation arrived on this day."""
    return first_donation_day + (STORY_LAST_DAY - STORY_FIRST_DAY)


_current = StoryClock()


def current() -> StoryClock:
    return _current


@contextmanager
def told_on(clock: StoryClock) -> Iterator[StoryClock]:
    """Tell the story with this clock (the loader's one load at a time, in one process)."""
    global _current
    previous, _current = _current, clock
    try:
        yield clock
    finally:
        _current = previous
