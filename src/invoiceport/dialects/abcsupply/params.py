"""Query parameters of the history route: the seed's date format, paging with a maximum.

`startDate`/`endDate` are `YYYY-MM-DDThh:mm:ssZ` (fractions of a second and `+hh:mm` offsets are
accepted too, and so is a bare `YYYY-MM-DD`: a start date means its first instant, an end date
its last). Both bounds are inclusive and optional. Anything else is a 400 naming the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from invoiceport.dialects.abcsupply.errors import bad_request
from invoiceport.kit.params import shown, whole_number

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_NUMBER = 10_000_000
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|z|[+-]\d{2}:\d{2})", re.ASCII
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True, slots=True)
class HistoryParams:
    start: datetime | None
    end: datetime | None
    page: int
    page_size: int


def parse_moment(name: str, value: str, *, end: bool) -> datetime:
    """One bound in UTC; a bare date is its first (or, for `end`, its last) instant."""
    text = value.strip()
    try:
        if _DATE_TIME.fullmatch(text):
            return datetime.fromisoformat(text.upper()).astimezone(UTC)
        if _DATE.fullmatch(text):
            day = datetime.combine(datetime.fromisoformat(text).date(), time(), UTC)
            return day + timedelta(days=1, microseconds=-1) if end else day
    except (ValueError, OverflowError):
        pass
    raise bad_request(f"{name}: expected a date-time like 2024-01-31T00:00:00Z, got {shown(value)}")


def parse_int(name: str, value: str | None, default: int, maximum: int) -> int:
    """A whole number from 1 to `maximum` (a leading `+` allowed; blank is a 400)."""
    return whole_number(
        name, value, default=default, low=1, high=maximum, empty_is_default=False, plus_sign=True
    )


def parse_history(query: Mapping[str, str], max_page_size: int) -> HistoryParams:
    raw_start, raw_end = query.get("startDate"), query.get("endDate")
    start = parse_moment("startDate", raw_start, end=False) if raw_start is not None else None
    end = parse_moment("endDate", raw_end, end=True) if raw_end is not None else None
    if start is not None and end is not None and start > end:
        raise bad_request(
            f"startDate {shown(raw_start or '')} is after endDate {shown(raw_end or '')}"
        )
    return HistoryParams(
        start,
        end,
        page=parse_int("pageNumber", query.get("pageNumber"), 1, MAX_PAGE_NUMBER),
        page_size=parse_int(
            "itemsPerPage",
            query.get("itemsPerPage"),
            min(DEFAULT_PAGE_SIZE, max_page_size),
            max_page_size,
        ),
    )
