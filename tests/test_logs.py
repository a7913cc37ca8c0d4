"""The one scrubber every log handler applies (invoiceport.platform.logs)."""

from __future__ import annotations

import logging

import httpx
import pytest

from invoiceport.platform.logs import REDACTED, ScrubSecrets, log_config, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /s/1?subscription-key=K1&page=2", f"GET /s/1?subscription-key={REDACTED}&page=2"),
        ("/t?client_id=c&client_secret=S", f"/t?client_id=c&client_secret={REDACTED}"),
        ("/t?client%5Fsecret=S", f"/t?client%5Fsecret={REDACTED}"),
        ("/x?Access_Token=T;code=C", f"/x?Access_Token={REDACTED};code={REDACTED}"),
        (
            "/x?api_key=A&key=B&password=P",
            f"/x?api_key={REDACTED}&key={REDACTED}&password={REDACTED}",
        ),
        ('/x?token=a"b c', f"/x?token={REDACTED} c"),
        (
            "grant_type=client_credentials&client_secret=S",
            f"grant_type=client_credentials&client_secret={REDACTED}",
        ),
        ("Authorization: Bearer abc.def-1", f"Authorization: Bearer {REDACTED}"),
        ("basic dXNlcjpwdw==", f"basic {REDACTED}"),
        ("secret whsec_AbC+/09=", f"secret whsec_{REDACTED}"),
        (
            "/api/invoice/summary/100234?page=2&pageSize=10",
            "/api/invoice/summary/100234?page=2&pageSize=10",
        ),
    ],
)
def test_scrub(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_the_filter_scrubs_arguments_of_any_type_and_tracebacks() -> None:
    url = httpx.URL("http://h/hook?token=T0KEN")
    record = logging.LogRecord(
        "httpx", logging.INFO, "", 0, "HTTP Request: %s %s", ("POST", url), None
    )
    try:
        raise ValueError("failed at /x?client_secret=S3CRET")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    ScrubSecrets().filter(record)
    assert "T0KEN" not in record.getMessage() and REDACTED in record.getMessage()
    assert record.exc_text is not None and "S3CRET" not in record.exc_text


def test_driver_parameter_logging_stays_off_at_debug() -> None:
    config = log_config("debug")
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["aiosqlite"]["level"] == logging.INFO
    with pytest.raises(ValueError, match="unknown log level"):
        log_config("chatty")


def test_the_app_protects_the_loggers_however_logging_is_configured(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An app served by plain `uvicorn` (no `log_config` of ours) still scrubs the access log
    and drops aiosqlite's statement lines."""
    from invoiceport.app import create_app
    from invoiceport.settings import Settings

    create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    caplog.set_level(logging.DEBUG)
    access = logging.getLogger("uvicorn.access")
    access.info('%s - "%s %s HTTP/%s" %d', "1.2.3.4", "GET", "/x?subscription-key=K3Y", "1.1", 401)
    logging.getLogger("aiosqlite").debug("executing %s", "INSERT ... ('whsec_raw',)")
    text = caplog.text
    assert "K3Y" not in text and f"subscription-key={REDACTED}" in text
    assert "executing" not in text
