"""Service windows per country, in local time (Ingram seed's "System Availability" table).

Off unless configured. A window "06:00-00:30" is open from 06:00 until 00:30 the next morning;
"00:00-00:00" is open all day; each day of the week alike. The time zone is the country's (the
seed's countries are built in) or given after the window: "06:00-00:30 Europe/London".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The countries of the seed's table (Ingram writes UK for Great Britain).
TIME_ZONES = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "CH": "Europe/Zurich",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "HU": "Europe/Budapest",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "PT": "Europe/Lisbon",
    "SE": "Europe/Stockholm",
    "UK": "Europe/London",
}
# The seed's table as a ready-made setting value (docs/ingram.md shows it as JSON).
SEED_WINDOWS = {
    "BE": "00:00-00:00",
    "NL": "00:00-00:00",
    "AT": "05:00-23:00",
    "CH": "05:00-23:00",
    "DE": "05:00-23:00",
    "HU": "05:00-23:00",
    "SE": "05:00-23:00",
    "ES": "06:00-01:00",
    "PT": "06:00-01:00",
    "FR": "05:00-00:00",
    "IT": "05:00-00:00",
    "UK": "06:00-00:30",
}
_ALIASES = {"GB": "UK", "UK": "GB"}
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(?:\s(\S+))?\s*$")


@dataclass(frozen=True, slots=True)
class Window:
    start: time
    end: time
    zone: ZoneInfo

    def is_open(self, local: time) -> bool:
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # past midnight

    def seconds_until_open(self, now: datetime) -> int:
        """0 while open; otherwise whole seconds (at least 1) until the window next opens."""
        local = now.astimezone(self.zone)
        if self.is_open(local.time().replace(tzinfo=None)):
            return 0
        opening = datetime.combine(local.date(), self.start, tzinfo=self.zone)
        if opening <= local:
            opening = datetime.combine(local.date() + timedelta(days=1), self.start, self.zone)
        return max(1, math.ceil((opening - local).total_seconds()))


def parse_window(country: str, text: str) -> Window:
    match = _WINDOW.match(text)
    where = f"INGRAM_AVAILABILITY[{country!r}]"
    if match is None:
        raise ValueError(f"{where}: {text!r} is not a window like '06:00-00:30'")
    h1, m1, h2, m2, zone_name = match.groups()
    try:
        start, end = time(int(h1), int(m1)), time(int(h2), int(m2))
    except ValueError as exc:
        raise ValueError(f"{where}: {text!r} has an impossible time") from exc
    zone_name = zone_name or TIME_ZONES.get(country)
    if zone_name is None:
        raise ValueError(
            f"{where}: no built-in time zone for {country}; add one: '{text} Area/City'"
        )
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{where}: unknown time zone {zone_name!r}") from exc
    return Window(start, end, zone)


@dataclass(frozen=True, slots=True)
class Availability:
    windows: Mapping[str, Window]

    @classmethod
    def from_settings(cls, windows: Mapping[str, str]) -> Availability:
        parsed = {k.strip().upper(): parse_window(k.strip().upper(), v) for k, v in windows.items()}
        return cls(parsed)

    def retry_after(self, country: str, now: datetime) -> int:
        """0 when the country's API is available at `now`, else seconds until it opens."""
        code = country.upper()
        window = self.windows.get(code) or self.windows.get(_ALIASES.get(code, ""))
        return 0 if window is None else window.seconds_until_open(now)
