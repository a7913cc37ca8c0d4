"""Limit settings: parsed at start-up, most specific first."""

from __future__ import annotations

import pytest
from limits import parse

from invoiceport.app import create_app
from invoiceport.ratelimit.availability import Availability
from invoiceport.ratelimit.policy import Policy
from tests.oauth.support import make_settings

DEFAULT = parse("60 per 60 seconds")


def test_resolution_order() -> None:
    policy = Policy.from_settings(
        {"ingram": "100/minute", "abc": "off"},
        {"7": "5/second", "7:ingram": "600/minute", "8": "off"},
    )
    assert policy.limit_for("ingram", 7, DEFAULT) == parse("600/minute")
    assert policy.limit_for("abc", 7, DEFAULT) == parse("5/second")
    assert policy.limit_for("ingram", 8, DEFAULT) is None
    assert policy.limit_for("ingram", 9, DEFAULT) == parse("100/minute")
    assert policy.limit_for("abc", 9, DEFAULT) is None
    assert policy.limit_for("scansource", 9, DEFAULT) == DEFAULT
    assert policy.limit_for("scansource", 9, None) is None


@pytest.mark.parametrize(
    ("dialects", "partners", "words"),
    [
        ({"ingram": "sixty a minute"}, {}, "INVOICEPORT_RATE_LIMITS['ingram']"),
        ({"ingram": "0/minute"}, {}, "allows no request"),
        ({}, {"acme": "5/second"}, "'acme'"),
        ({}, {"7:": "5/second"}, "'7:'"),
        ({}, {"7": "5 per fortnight"}, "INVOICEPORT_RATE_LIMIT_PARTNERS['7']"),
    ],
)
def test_a_bad_setting_stops_start_up(
    database_url: str, dialects: dict[str, str], partners: dict[str, str], words: str
) -> None:
    settings = make_settings(database_url, rate_limits=dialects, rate_limit_partners=partners)
    with pytest.raises(ValueError, match=r"rate limit|allows no|must be") as raised:
        create_app(settings)
    assert words in str(raised.value)


@pytest.mark.parametrize(
    ("windows", "words"),
    [
        ({"UK": "6:00 to 0:30"}, "not a window"),
        ({"UK": "25:00-01:00"}, "impossible time"),
        ({"XX": "06:00-01:00"}, "no built-in time zone"),
        ({"XX": "06:00-01:00 Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_a_bad_window_stops_start_up(
    database_url: str, windows: dict[str, str], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        create_app(make_settings(database_url, ingram_availability=windows))
    assert Availability.from_settings({"XX": "06:00-01:00 America/Chicago"}).windows


def test_may_limit_says_whether_any_limit_can_apply() -> None:
    """The fast path skips the limiter only when no partner's request can be limited."""
    assert not Policy.from_settings({}, {}).may_limit("scansource", None)
    assert not Policy.from_settings({"scansource": "off"}, {}).may_limit("scansource", None)
    assert not Policy.from_settings({"ingram": "5/minute"}, {}).may_limit("scansource", None)
    assert Policy.from_settings({}, {}).may_limit("ingram", parse("60/minute"))
    assert Policy.from_settings({"scansource": "5/minute"}, {}).may_limit("scansource", None)
    assert Policy.from_settings({}, {"7": "5/minute"}).may_limit("scansource", None)
    assert Policy.from_settings({}, {"7:scansource": "5/minute"}).may_limit("scansource", None)
    assert not Policy.from_settings({}, {"7": "off"}).may_limit("scansource", None)
