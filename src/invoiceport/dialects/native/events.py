"""`GET /v1/events` (and `/v1/sandbox/events`): the change feed, oldest first, by cursor.

`?after=<cursor>&limit=<1..1000>&types=invoice.updated,creditmemo.created`; `after=now` answers
no events and the cursor of this moment (start there, then list the invoices once). Each event:
its cursor (`id`), `type`, `created_at`, the invoice's key and `version`, and a link to the
document. `next_cursor` is always given: poll with it. A cursor older than the retention
(`INVOICEPORT_FEED_RETENTION_DAYS`, 30) is 410: events after it may be gone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import Request
from fastapi.responses import Response

from invoiceport.dialects.native.errors import Problem, bad_parameter
from invoiceport.dialects.native.http import JSON, environment_of, native_router, negotiate
from invoiceport.dialects.native.params import PAIRS, base36
from invoiceport.dialects.native.views import timestamp
from invoiceport.kit import Caller
from invoiceport.kit.params import whole_number
from invoiceport.platform.clock import now
from invoiceport.platform.context import context
from invoiceport.webhooks import feed

router = native_router()
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
KNOWN = frozenset({"after", "limit", "types"})
MAX_MILLIS = 253_402_300_799_000  # 9999-12-31T23:59:59Z


EVENT_CURSOR = re.compile(r"([0-9a-z]{1,12})\.([0-9a-z]{1,9})")


def encode(event_id: int, at: datetime) -> str:
    """An event's position and time: `<id>.<Unix milliseconds>`, both base 36."""
    return f"{base36(event_id)}.{base36(int(at.timestamp() * 1000))}"


def decode(raw: str) -> tuple[int, datetime]:
    match = EVENT_CURSOR.fullmatch(raw)
    if match is None:
        detail = "not a cursor of this feed (use an event's id or next_cursor as is, or now)"
        raise bad_parameter("after", detail)
    millis = min(int(match.group(2), 36), MAX_MILLIS)
    return int(match.group(1), 36), datetime.fromtimestamp(millis / 1000, UTC)


def _params(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in KNOWN:
            raise bad_parameter(name[:64], "unknown parameter; known: after, limit, types")
        if name in values:
            raise bad_parameter(name, "given more than once")
        if value == "":
            raise bad_parameter(name, "must not be empty (leave the parameter out instead)")
        values[name] = value
    return values


def _types(raw: str | None) -> list[str]:
    if raw is None:
        return []
    types = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = [t for t in types if t not in feed.EVENT_TYPES]
    if unknown or not types:
        detail = f"expected a comma-separated list of {', '.join(feed.EVENT_TYPES)}"
        raise bad_parameter("types", detail)
    return types


def _link(environment: str, customer: str, number: str) -> str:
    prefix = "/v1/sandbox" if environment == "sandbox" else "/v1"
    return f"{prefix}/invoices/{quote(customer, safe='')}/{quote(number, safe='')}"


async def events(request: Request, principal: Caller) -> Response:
    """The partner's invoice events after the cursor, oldest first."""
    values = _params(request)
    negotiate(request, (JSON,))
    limit = whole_number("limit", values.get("limit"), default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    types = _types(values.get("types"))
    ctx = context(request)
    moment = now(request)
    engine = ctx.engine
    raw = values.get("after")
    if raw == "now":
        head = await feed.head(engine)
        return _page([], encode(head, moment), more=False)
    after, at = decode(raw) if raw else (0, moment)
    retention = timedelta(days=ctx.settings.feed_retention_days)
    if at < moment - retention:
        days = ctx.settings.feed_retention_days
        detail = (
            f"after: the cursor is older than the feed's retention of {days} days and events "
            "after it may be gone; resynchronise: take GET /v1/events?after=now, list the "
            "invoices (GET /v1/invoices), then poll from that cursor"
        )
        raise Problem(410, detail, "after")
    environment = environment_of(request)
    seconds = ctx.settings.db_timeout_seconds
    rows = await feed.events(
        engine, principal.partner_id, environment, after, types, limit + 1, seconds
    )
    more = len(rows) > limit
    rows = rows[:limit]
    # An empty page moves the cursor's time to now: nothing after it was missed until now.
    if rows:
        last_id, *_, last_at = rows[-1]  # `feed.FeedRow`'s fields
        cursor = encode(last_id, last_at)
    else:
        cursor = encode(after, moment)
    return _page(_items(rows), cursor, more=more)


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _quoted(text: str) -> str:
    """`quote(text, safe="")`, without its work for the usual key of unreserved characters."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


_TYPES = {event_type: _json(event_type) for event_type in feed.EVENT_TYPES}


def _items(rows: Sequence[Sequence[Any]]) -> list[str]:
    """The page's items, each the JSON object `dump_json` makes of the event's fields (tested
    byte for byte). A page holds up to a thousand events, and events of one write share its
    time and often its customer: those parts are formatted once for a run of them, the rest
    by one format string. Each row holds `feed.FeedRow`'s fields in its order."""
    items: list[str] = []
    at: datetime | None = None
    customer = environment = bill_to = ""
    millis = created = prefix = place = bill_to_json = ""
    high = -1
    high36 = ""
    for event_id, event_type, env, customer_number, bill_to_account, number, version, when in rows:
        if when != at:
            at = when
            millis, created = base36(int(at.timestamp() * 1000)), timestamp(at)
        if customer_number != customer or env != environment:
            customer, environment = customer_number, env
            prefix = _link(environment, customer, "")
            place = f'"environment":{_json(environment)},"customer_number":{_json(customer)}'
        if bill_to_account != bill_to:
            bill_to = bill_to_account
            bill_to_json = _json(bill_to)
        if event_id >= 1296:  # base36(event_id), its leading digits kept from the last event
            if event_id // 1296 != high:
                high = event_id // 1296
                high36 = base36(high)
            id36 = high36 + PAIRS[event_id % 1296]
        else:
            id36 = PAIRS[event_id] if event_id >= 36 else base36(event_id)
        kind = _TYPES.get(event_type) or _json(event_type)
        items.append(
            f'{{"id":"{id36}.{millis}","type":{kind},"created_at":"{created}",{place},'
            f'"bill_to_account":{bill_to_json},"invoice_number":{_json(number)},'
            f'"version":{version},"links":{{"invoice":"{prefix}{_quoted(number)}"}}}}'
        )
    return items


def _page(items: list[str], cursor: str, *, more: bool) -> Response:
    """`dump_json({"items": items, "has_more": more, "next_cursor": cursor})`, the items
    formatted already."""
    body = (
        f'{{"items":[{",".join(items)}],"has_more":{"true" if more else "false"},'
        f'"next_cursor":{_json(cursor)}}}'
    )
    return Response(body.encode(), media_type=JSON, headers={"Cache-Control": "no-store"})


for _prefix in ("/v1", "/v1/sandbox"):
    router.add_api_route(_prefix + "/events", events, methods=["GET"], summary="Change feed")
