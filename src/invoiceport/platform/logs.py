"""Logging for the server and the worker: one configuration, and no credential in any line.

A client may put a credential anywhere: a header (never logged), a form body (never logged), or
the query string, which uvicorn's access log writes as it came, refused or not
(`GET /x?subscription-key=...`). `scrub` removes the values of query parameters whose names
carry credentials, and of `Bearer`/`Basic` credentials and webhook secrets wherever they appear
in a message; `ScrubSecrets` applies it to every record every handler writes (the message, its
arguments, a traceback). The drivers' own parameter logging stays off: aiosqlite writes each
statement with its parameters at DEBUG (a webhook secret when one is stored without
`INVOICEPORT_WEBHOOK_SIGNING_KEY`), so its logger is held at INFO; SQLAlchemy's engines hide
parameters in their logs and error messages (`db.create_engine`).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
# Query parameter names holding credentials, compared lower case with `-` read as `_`:
# any name containing one of these words, or exactly one of the short names.
_SECRET_WORDS = ("secret", "token", "key", "password", "passwd", "signature", "credential", "auth")
_SECRET_NAMES = frozenset({"code", "sig", "pwd", "pass", "assertion", "session"})
_QUERY_PARAMETER = re.compile(r"(?P<lead>^|[?&;\s])(?P<name>[^=&;#\s?]+)=(?P<value>[^&;#\s]*)")
_SCHEME_CREDENTIAL = re.compile(r"\b(?P<scheme>Bearer|Basic)(?P<gap>\s+)[\w.~+/=-]+", re.I)
_WEBHOOK_SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]+")
# A header as a line (`X-Api-Key: v`) or in a mapping's text (`'authorization': 'v'`): the value
# of one whose name carries a credential (`Authorization` raw, as ABC's webhook receivers get it).
_HEADER = re.compile(r"(?P<name>[A-Za-z][\w-]*)(?P<sep>['\"]?\s*:\s*['\"]?)(?P<value>[^\s'\",;]+)")
_SECRET_HEADERS = frozenset({"authorization", "proxy_authorization", "cookie", "set_cookie"})


def is_secret_name(name: str) -> bool:
    """Whether a query parameter named `name` (as sent, maybe percent-encoded) holds a secret."""
    normal = unquote_plus(name).strip().lower().replace("-", "_")
    return normal in _SECRET_NAMES or any(word in normal for word in _SECRET_WORDS)


def _redact_header(match: re.Match[str]) -> str:
    name = match["name"].lower().replace("-", "_")
    if match["value"] == REDACTED or match["value"].lower() in ("bearer", "basic"):
        return match.group()  # a scheme's credential is redacted after it already
    if not (name in _SECRET_HEADERS or is_secret_name(name)):
        return match.group()
    return f"{match['name']}{match['sep']}{REDACTED}"


def _redact_parameter(match: re.Match[str]) -> str:
    if not is_secret_name(match["name"]):
        return match.group()
    return f"{match['lead']}{match['name']}={REDACTED}"


def scrub(text: str) -> str:
    """`text` without the credentials it may carry (query values, `Bearer x`, `whsec_...`,
    secret-bearing headers)."""
    if "=" in text:
        text = _QUERY_PARAMETER.sub(_redact_parameter, text)
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m['scheme']}{m['gap']}{REDACTED}", text)
    if ":" in text:
        text = _HEADER.sub(_redact_header, text)
    return _WEBHOOK_SECRET.sub(f"whsec_{REDACTED}", text)


def _scrub_value(value: Any) -> Any:
    """A message argument, scrubbed; objects (httpx logs an `httpx.URL`) as their text."""
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    scrubbed = scrub(text)
    return value if scrubbed == text else scrubbed


class ScrubSecrets(logging.Filter):
    """Scrubs each record's message, arguments and traceback text in place; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: _scrub_value(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_scrub_value(v) for v in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True


class DropDriverStatements(logging.Filter):
    """aiosqlite's DEBUG lines are statements with their parameters: they never pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


# Loggers that write what clients send (the access log's query strings, httpx's URLs).
_CLIENT_TEXT_LOGGERS = ("uvicorn.access", "uvicorn.error", "httpx")


def protect_loggers() -> None:
    """The same guarantees however logging is configured (an app run by plain `uvicorn` or
    another server never sees `log_config`): filters on the loggers themselves. Idempotent."""
    for name in _CLIENT_TEXT_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubSecrets) for f in logger.filters):
            logger.addFilter(ScrubSecrets())
    driver = logging.getLogger("aiosqlite")
    if not any(isinstance(f, DropDriverStatements) for f in driver.filters):
        driver.addFilter(DropDriverStatements())


_PLAIN = "%(levelname)s %(name)s: %(message)s"


def _number(level: str) -> int:
    number = logging.getLevelNamesMapping().get(level)
    if number is None:
        raise ValueError(f"unknown log level {level!r} (DEBUG, INFO, WARNING, ERROR)")
    return number


def log_config(level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` document (uvicorn's `log_config` takes it and applies it in
    every server process): the app's and uvicorn's loggers at `level`, every handler scrubbed."""
    level = level.upper()
    scrubbed = {"filters": ["scrub_secrets"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"scrub_secrets": {"()": "invoiceport.platform.logs.ScrubSecrets"}},
        "formatters": {
            "plain": {"format": _PLAIN},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelname)s %(name)s: %(client_addr)s - "%(request_line)s" '
                "%(status_code)s",
                "use_colors": False,
            },
        },
        "handlers": {
            "plain": {"class": "logging.StreamHandler", "formatter": "plain", **scrubbed},
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
                **scrubbed,
            },
        },
        "root": {"handlers": ["plain"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": ["plain"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
            # Its DEBUG lines are SQL statements with their parameters.
            "aiosqlite": {"level": max(logging.INFO, _number(level))},
        },
    }


def configure(level: str) -> None:
    """Apply `log_config(level)` in this process (the worker, and the server before it starts)."""
    import logging.config

    logging.config.dictConfig(log_config(level))
