"""Record the golden answers: `python -m tests.replay.record` (see tests/replay/README.md).

Replays the request set against a fresh, migrated SQLite database (or `--database-url`, which
must be an empty, migrated database) and writes tests/replay/golden.jsonl. Re-record only when
an answer is meant to change, and say why in the commit.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from invoiceport.ops.migrate import upgrade
from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings
from tests.replay.golden import GOLDEN, MAX_TEXT_BODY, Entry, dump, replay


async def _migrated(url: str) -> None:
    engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def record(database_url: str | None, text_limit: int) -> list[Entry]:
    with tempfile.TemporaryDirectory(prefix="invoiceport-replay-") as scratch:
        url = database_url or f"sqlite:///{Path(scratch) / 'replay.db'}"
        await _migrated(url)
        return await replay(url, text_limit=text_limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty, migrated database (default: SQLite)")
    parser.add_argument("--output", type=Path, default=GOLDEN)
    parser.add_argument(
        "--max-text-body",
        type=int,
        default=MAX_TEXT_BODY,
        help="JSON/XML bodies up to this many bytes as text (more only to compare two commits)",
    )
    args = parser.parse_args(argv)
    entries = asyncio.run(record(args.database_url, args.max_text_body))
    args.output.write_text(dump(entries), encoding="utf-8")
    print(f"{len(entries)} answers written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
