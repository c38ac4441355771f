"""Period arithmetic of deadline rules: monthly, quarterly, yearly, with the 15th→14th cut-offs.

A rule without `period_cutoff_day` uses calendar periods (a month, a quarter, a year). With a
cut-off day c (Decree 09/2019: 15) a period ends on day c−1 of its last month and starts on day c of
the month before its first month, e.g. the data year 15 Dec 2025 → 14 Dec 2026. The due date is
`due_day` of the period's last month (`due_month` for yearly rules), the day before when
`due_exclusive` ("before 15 December" → 14 December); with `due_working_day` a due date that is
not a working day moves back to the working day before (due day 31: the month's last working day).
Working days skip weekends and Vietnamese public holidays, lunar ones included, from the maintained
`holidays` package.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from core.notify.models import DeadlineRule
from core.types import Recurrence

REMIND_AT = time(8, 0)  # reminders go at 08:00 local time


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date
    due_on: date
    year: int
    index: int  # month 1–12, quarter 1–4, or 1 for a year

    @property
    def label(self) -> str:
        return f"{self.year}-{self.index:02d}"


def _day(year: int, month: int, day: int) -> date:
    """`day` of the month, clamped to the month's length (a due day 31 in February is the 28th/29th)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + delta
    return n // 12, n % 12 + 1


def _months_of(rule: DeadlineRule, year: int, index: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """(first month, last month) of period `index` of `year`, as (year, month) pairs."""
    if rule.recurrence == Recurrence.monthly.value:
        return (year, index), (year, index)
    if rule.recurrence == Recurrence.quarterly.value:
        return (year, 3 * index - 2), (year, 3 * index)
    last = rule.due_month or 12
    return _add_months(year, last, -11), (year, last)


def period(rule: DeadlineRule, *, year: int, index: int) -> Period:
    """Period `index` of `year` for `rule`, with its due date."""
    first, last = _months_of(rule, year, index)
    cutoff = rule.period_cutoff_day
    if cutoff:
        start = _day(*_add_months(*first, -1), cutoff)
        end = _day(*last, cutoff) - timedelta(days=1)
    else:
        start = date(first[0], first[1], 1)
        end = _day(*last, 31)
    due_month = (last[0], rule.due_month) if rule.recurrence == Recurrence.yearly.value and rule.due_month else last
    due = _day(*due_month, rule.due_day)
    if rule.due_exclusive:
        due -= timedelta(days=1)
    if rule.due_working_day:
        due = previous_working_day(due)
    return Period(start, end, due, year, index)


def _step(rule: DeadlineRule, year: int, index: int, delta: int) -> tuple[int, int]:
    per_year = {Recurrence.monthly.value: 12, Recurrence.quarterly.value: 4}.get(rule.recurrence, 1)
    n = year * per_year + (index - 1) + delta
    return n // per_year, n % per_year + 1


def period_containing(rule: DeadlineRule, day: date) -> Period:
    """The period of `rule` that `day` falls in."""
    per_year = {Recurrence.monthly.value: 12, Recurrence.quarterly.value: 4}.get(rule.recurrence, 1)
    guess = (day.year, {12: day.month, 4: (day.month - 1) // 3 + 1}.get(per_year, 1))
    for delta in (0, 1, -1):
        candidate = period(rule, year=_step(rule, *guess, delta)[0], index=_step(rule, *guess, delta)[1])
        if candidate.start <= day <= candidate.end:
            return candidate
    raise ValueError(f"no period of {rule.code} contains {day}")  # unreachable for valid rules


def neighbours(rule: DeadlineRule, day: date, *, before: int = 1, after: int = 1) -> list[Period]:
    """The period containing `day` with `before` earlier and `after` later ones, oldest first."""
    here = period_containing(rule, day)
    found = []
    for delta in range(-before, after + 1):
        year, index = _step(rule, here.year, here.index, delta)
        found.append(period(rule, year=year, index=index))
    return found


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Vietnamese public holiday (Tết and Hùng Kings' day included)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, otherwise the last one before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def reminder_moment(due_on: date, offset: int, tz: ZoneInfo) -> datetime:
    """08:00 local on the working day at `offset` days from the due date (moved forward past days off)."""
    day = next_working_day(due_on + timedelta(days=offset))
    return datetime.combine(day, REMIND_AT, tzinfo=tz)


def escalation_moment(due_on: date, offsets: list[int], tz: ZoneInfo) -> datetime:
    """When an open obligation is escalated: with the first reminder after the due date, else the next working day."""
    after = sorted(o for o in offsets if o > 0)
    return reminder_moment(due_on, after[0] if after else 1, tz)
