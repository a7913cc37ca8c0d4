"""A TCP relay a test can cut and restore: a dependency (PostgreSQL, Redis) "going away" for real,
without stopping the shared server other tests use.

The relay runs its own event loop in a thread, so it keeps relaying while the test blocks (a
`live_server` starting up, a synchronous client) and works the same for async tests. Cutting it
drops every open connection and then either refuses new ones (the port is closed: "connection
refused", as when the server is down) or accepts and holds them without a byte relayed
("blackholed", as when a network path dies and packets vanish). "hang" is the blackhole without
the drop: open connections stay up but nothing more crosses them. `restore()` relays again on
the same port.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, Literal

Mode = Literal["refuse", "blackhole", "hang"]


class Relay:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._blackhole = False

    # The test's side: synchronous, safe from any thread or event loop.

    def start(self) -> Relay:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self, mode: Mode = "refuse") -> None:
        """Drop every connection (not for "hang"); then refuse new ones, or hold them silently."""
        self._call(self._cut(mode))

    def restore(self) -> None:
        self._call(self._restore())

    def close(self) -> None:
        self._call(self._cut("refuse"))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def url(self, template: str) -> str:
        """`template` with `{port}` replaced: e.g. "postgresql://postgres@127.0.0.1:{port}/db"."""
        return template.format(port=self.port)

    def _call(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    # The relay's side: in its own loop.

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self, mode: Mode) -> None:
        self._blackhole = mode != "refuse"
        if mode == "refuse" and self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if mode == "hang":
            return
        for writer in list(self._links):
            writer.transport.abort()  # a reset, as when the far end dies
        self._links.clear()

    async def _restore(self) -> None:
        self._blackhole = False
        for writer in list(self._links):  # connections held while blackholed
            writer.transport.abort()
        self._links.clear()
        if self._server is None:
            await self._listen()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._links.add(writer)
        if self._blackhole:
            return  # held open, nothing relayed, until restore() or close()
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links.add(up_writer)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    if self._blackhole:
                        continue  # swallowed: the path is dead
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()
                self._links.discard(dst)

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
