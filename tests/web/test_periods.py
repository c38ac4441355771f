"""A period of "3 ngày" covers three calendar days in Hà Nội time, and the review page shows it so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.intake.service import default_period

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_three_days_cover_today_and_the_two_days_after() -> None:
    for hour in (0, 8, 16, 23):  # late in the local evening too
        now = datetime(2026, 12, 1, hour, 30, tzinfo=TZ).astimezone(UTC)
        start, end = default_period(now=now, days=3, tz=TZ)
        first = start.astimezone(TZ).date()
        last = (end - timedelta(seconds=1)).astimezone(TZ).date()
        assert (first, last) == (date(2026, 12, 1), date(2026, 12, 3)), hour
