"""uvicorn, guarded against slow clients: deadlines for reading a request's headers and body.

uvicorn times out only an idle keep-alive connection; a client that sends a header line every few
seconds, or a body one byte at a time, holds its connection (and a place in the concurrency
limit) for as long as it likes. `GuardedHttpToolsProtocol` is uvicorn's own httptools protocol
with two timers: the request's headers must arrive within `header_timeout` seconds of the
connection opening or of the request's first byte (otherwise `408 Request Timeout` and the
connection is closed), and its body within `body_timeout` seconds of the headers (otherwise the
connection is closed, which the app sees as a client disconnect: logged in one line, counted as
499). `uvicorn_options` turns the settings into `uvicorn.run` arguments, with uvicorn's own
connection limit (`503` above it) and keep-alive timeout.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from invoiceport.settings import Settings

log = logging.getLogger("invoiceport.http")

_TIMEOUT_TEXT = b"the request headers took too long to arrive"
_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TIMEOUT_TEXT), _TIMEOUT_TEXT)
)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with read deadlines for headers and bodies."""

    def __init__(self, *args: Any, header_timeout: float, body_timeout: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self._deadline: asyncio.TimerHandle | None = None
        self._reading_headers = False

    def _arm(self, seconds: float, on_expiry: Any) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, on_expiry)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, self._headers_too_slow)  # a first request must come

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_headers = True
        if self._deadline is None:  # a later request on a kept-alive connection
            self._arm(self.header_timeout, self._headers_too_slow)

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._disarm()
        super().on_headers_complete()
        if self._has_body():
            self._arm(self.body_timeout, self._body_too_slow)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _has_body(self) -> bool:
        for name, value in self.headers:
            if name == b"transfer-encoding" or (
                name == b"content-length" and value.strip() != b"0"
            ):
                return True
        return False

    def _headers_too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._reading_headers:  # part of a request came: say why it is closed
            log.info(
                "closed a connection: request headers not complete in %g s", self.header_timeout
            )
            self.transport.write(_REQUEST_TIMEOUT)
        self.transport.close()

    def _body_too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            log.info("closed a connection: request body not complete in %g s", self.body_timeout)
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The `uvicorn.run` arguments that bound what one client can hold."""
    return {
        "http": functools.partial(
            GuardedHttpToolsProtocol,
            header_timeout=settings.http_header_timeout_seconds,
            body_timeout=settings.http_body_timeout_seconds,
        ),
        "limit_concurrency": settings.http_max_connections,
        "timeout_keep_alive": settings.http_keep_alive_seconds,
    }
