"""Argentina's calendar: fiscal dates and timestamps carry the Buenos Aires offset explicitly."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

ARGENTINA = ZoneInfo("America/Argentina/Buenos_Aires")


def now_ar() -> datetime:
    return datetime.now(ARGENTINA)


def today_ar() -> date:
    return now_ar().date()


def timestamp(moment: datetime | None = None) -> str:
    """ISO 8601 with seconds and the -03:00 offset."""
    return (moment or now_ar()).astimezone(ARGENTINA).isoformat(timespec="seconds")
