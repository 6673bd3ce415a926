"""Business days and hours in a contact's or an owner's time zone (Mon-Fri; no holidays).

Pure and deterministic: the workflow computes its timers with these from
`workflow.now()`, and SLA monitoring measures how long a lead waited with them.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "UTC"


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone, or UTC for a missing or unknown name."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def _is_business_day(day: datetime) -> bool:
    return day.weekday() < 5


def in_send_window(moment: datetime, tz: str | None, window: tuple[int, int] | None) -> datetime:
    """The first moment at or after `moment` that is a business day inside the local
    `[start, end)` hours window (None: `moment` itself); returned in UTC."""
    if window is None:
        return moment.astimezone(UTC)
    local = moment.astimezone(zone(tz))
    start, end = window
    if local.hour >= end:
        local = _next_day_at(local, start)
    elif local.hour < start:
        local = local.replace(hour=start, minute=0, second=0, microsecond=0)
    while not _is_business_day(local):
        local = _next_day_at(local, start)
    return local.astimezone(UTC)


def add_business_days(
    moment: datetime, days: int, tz: str | None, window: tuple[int, int] | None = (9, 17)
) -> datetime:
    """`days` business days after `moment` at the same local time of day, moved into the
    send window; returned in UTC. A weekend start counts from the next Monday."""
    local = moment.astimezone(zone(tz))
    added = 0
    while added < days:
        local += timedelta(days=1)
        if _is_business_day(local):
            added += 1
    return in_send_window(local, tz, window)


def business_hours_between(
    start: datetime, end: datetime, tz: str | None, hours: tuple[int, int] = (9, 17)
) -> float:
    """Business hours (Mon-Fri, local `[start, end)` hours) from `start` to `end`."""
    if end <= start:
        return 0.0
    tzinfo = zone(tz)
    local_start, local_end = start.astimezone(tzinfo), end.astimezone(tzinfo)
    total = 0.0
    day = local_start.date()
    while day <= local_end.date():
        if day.weekday() < 5:
            open_at = datetime.combine(day, time(hours[0]), tzinfo)
            close_at = datetime.combine(day, time(hours[1] % 24), tzinfo)
            if hours[1] == 24:
                close_at = datetime.combine(day + timedelta(days=1), time(0), tzinfo)
            lo, hi = max(open_at, local_start), min(close_at, local_end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600
        day += timedelta(days=1)
    return total


def _next_day_at(local: datetime, hour: int) -> datetime:
    return (local + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
