"""The request set: every dialect route, its variants and its error paths, in replay order.

Order matters: rate-limit counters run through it (A's ScanSource limit of 1000 and Ingram's
default of 60 per client count down; B and C meet their limits and get 429s), so a new request
goes at the end of its section and the golden file is re-recorded. `$NAME` stands for a
credential made per run (tests/replay/fixture.py). Targets are written as they go on the wire
(percent-encoded); the ASGI driver decodes the path as uvicorn does.

Demo data (seed 1, day 2026-11-20, 60 invoices; the Ingram lookback of 6 months starts on
2026-05-20): partner A is granted 100234, 100587, 20-123456, 40-778899 and PL-5521; B only 100999;
C only 100234. Numbers used: IN2002600000-001 (100234, invoiced, serials), IN2002600037-001
(100587, open order), CM2002600074-001 (20-123456, open credit memo), CM2002600111-001
(40-778899, invoiced credit memo), IN2002600148-001 (PL-5521, paid 2026-04-22), IN2002600185-001
(100999, cancelled), IN2002600703-001 (100587, misc fee and 18 serials), IN2002601443-001
(40-778899, cancelled), IN2002602072-001 (20-123456, invoiced 2026-05-19, the day before the
lookback), IN2002600333-001 (40-778899, paid 2026-05-30), 20-12345-11 (the Ingram seed's sample,
production and sandbox).
"""

from __future__ import annotations

from dataclasses import dataclass

Header = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    method: str
    target: str
    headers: tuple[Header, ...] = ()
    body: str | bytes = ""


def get(name: str, target: str, *headers: Header) -> Case:
    return Case(name, "GET", target, headers)


def call(method: str, name: str, target: str, *headers: Header, body: str | bytes = "") -> Case:
    return Case(name, method, target, headers, body)


def key(symbol: str) -> Header:
    return ("Ocp-Apim-Subscription-Key", f"${symbol}")


def bearer(symbol: str) -> Header:
    return ("Authorization", f"Bearer ${symbol}")


def accept(value: str) -> Header:
    return ("Accept", value)


def if_none_match(value: str) -> Header:
    return ("If-None-Match", value)


GRANTED = ("100234", "100587", "20-123456", "40-778899", "PL-5521")
UNGRANTED = "100999"
LONG = "X" * 300
SAMPLE = "20-12345-11"


def all_cases() -> list[Case]:
    from tests.replay.cases import abcsupply, ingram, native, scansource, scsc

    return [
        *native.operations(),
        *scansource.cases(),
        *ingram.cases(),
        *abcsupply.invoices(),
        *abcsupply.webhooks(),
        *native.oauth(),
        *native.admin(),
        *scsc.cases(),
    ]
