"""What is measured: each scenario's URLs, credentials, and the floor and target it is held to."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import dataset
from load import Run

DETAIL_TARGET = 0.7  # issue 12, point 6: every detail route at least 0.7x the detail floor
PAGE_TARGET = 0.5  # ... and every first page at least 0.5x the page floor
PAGE_ROWS = 20  # a first page: ScanSource's and ABC Supply's default page size
# More invoices than the render cache holds (INVOICEPORT_RENDER_CACHE_SIZE, 5,000), in rotation:
# every request renders, as the first read of each invoice does.
COLD = 100_000
ABC_SCOPE = "invoice.history.read"
# Ingram XI: the two IM- headers every call sends (customer and country go in the query).
XI_HEADERS = {"IM-CorrelationID": "bench-1", "IM-ApplicationID": "bench"}


@dataclass
class Profile:
    """The top frames of one server worker (or of the import) during a missed scenario."""

    path: str
    samples: int
    seconds: float
    rows: list[tuple[float, float, str, str]]  # self %, total %, function, where
    packages: list[tuple[str, float]]  # self % by package


@dataclass
class Scenario:
    key: str
    name: str
    server: str  # "app", "floor" or "prism"
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    credential: str = ""  # for "app": "api_key", "token", "abc_token", "abc_live_token" or
    # "key_and_token" (filled in by run.py)
    floor: str = ""  # the key of the floor scenario its ratio is to
    at_least: float | None = None  # the target for that ratio, if it has one
    alternate: bool = False  # each run follows a run of its floor, as a target's runs do
    rows_scope: str = ""  # a first page: the floor's scope whose rows it must return
    runs: list[Run] = field(default_factory=list)
    floor_runs: list[Run] = field(default_factory=list)  # its floor's, alternating with its own
    rss_mb: list[float] = field(default_factory=list)
    sessions: int | None = None  # PostgreSQL sessions opened during its measured runs
    notes: list[str] = field(default_factory=list)
    profile: Profile | None = None

    def median(self, attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in self.runs))

    def floor_median(self) -> float:
        """The req/s of its floor measured alternately with it (see run.measure)."""
        return float(statistics.median(r.rps for r in self.floor_runs))

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.runs)


def sample_numbers(n: int, total: int) -> list[tuple[str, str]]:
    """(customer, invoice number) pairs spread over the whole table."""
    step = max(1, total // n)  # a small dataset (bench/cpu.py): every invoice
    return [
        (dataset.customer_of(i, total), dataset.invoice_number(i)) for i in range(7, total, step)
    ]


def _floors(sample: list[tuple[str, str]]) -> list[Scenario]:
    big = dataset.BIG_CUSTOMER
    return [
        Scenario(
            "floor.detail",
            "floor: raw ASGI + asyncpg detail (key lookup)",
            "floor",
            [f"/detail/{c}/{n}" for c, n in sample],
        ),
        # Between the detail floor and the detail routes (bench/floor_app.py): what the read
        # itself costs, on the floor's pool and then on invoiceport's.
        Scenario(
            "rung.statement",
            "detail rung 1: the floor + invoiceport's read statement (key, grant, version)",
            "floor",
            [f"/rung/statement/{c}/{n}" for c, n in sample],
            credential="api_key",
            floor="floor.detail",
            alternate=True,
        ),
        Scenario(
            "rung.token",
            "detail rung 1, bearer token: the read statement for a token (token, grant, version)",
            "floor",
            [f"/rung/token/{c}/{n}" for c, n in sample],
            credential="token",
            floor="floor.detail",
            alternate=True,
        ),
        Scenario(
            "rung.service",
            "detail rung 2: + invoiceport's read service on its shared pool",
            "floor",
            [f"/rung/service/{c}/{n}" for c, n in sample],
            credential="api_key",
            floor="floor.detail",
            alternate=True,
        ),
        Scenario(
            "floor.page.customer",
            f"floor: raw ASGI + asyncpg first page ({PAGE_ROWS} rows, 200k customer)",
            "floor",
            [f"/page/customer/{big}/{PAGE_ROWS}"],
        ),
        Scenario(
            "floor.page.feed",
            f"floor: raw ASGI + asyncpg feed page ({FEED_PAGE:,} events, as JSON)",
            "floor",
            [f"/page/events/{big}/{FEED_PAGE}"],
        ),
        Scenario(
            "floor.page.bill_to",
            f"floor: raw ASGI + asyncpg first page ({PAGE_ROWS} rows, 200k bill-to)",
            "floor",
            [f"/page/bill_to/{big}/{PAGE_ROWS}"],
        ),
    ]


def _details(sample: list[tuple[str, str]], total: int) -> list[Scenario]:
    detail = [f"/api/invoice/detail/{c}/{n}" for c, n in sample]
    return [
        Scenario(
            "ss.detail",
            "ScanSource JSON detail",
            "app",
            detail,
            credential="api_key",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
        Scenario(
            "ss.detail.xml",
            "ScanSource XML detail",
            "app",
            detail,
            {"Accept": "application/xml"},
            credential="api_key",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
        Scenario(
            "ss.detail.cold",
            f"ScanSource JSON detail, render cache cold ({COLD:,} invoices)",
            "app",
            [f"/api/invoice/detail/{c}/{n}" for c, n in sample_numbers(COLD, total)],
            credential="api_key",
            floor="floor.detail",
        ),
        Scenario(
            "ingram.detail",
            "Ingram v5 detail",
            "app",
            [f"/resellers/v5/invoices/{n}?customerNumber={c}&isoCountryCode=US" for c, n in sample],
            credential="token",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
        Scenario(
            "ingram.v61.detail",
            "Ingram XI v6.1 detail",
            "app",
            [
                f"/resellers/v6.1/invoices/{n}?customerNumber={c}&isoCountryCode=US"
                for c, n in sample
            ],
            XI_HEADERS,
            credential="token",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
        Scenario(
            "abc.detail",
            "ABC Supply invoice by id",
            "app",
            [f"/api/invoice/v1/invoices/{n}" for _, n in sample],
            credential="abc_token",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
        Scenario(
            "abc.live.detail",
            "ABC Supply live invoice by id (/invoices/id/)",
            "app",
            [f"/api/invoice/v1/invoices/id/{n}" for _, n in sample],
            credential="abc_live_token",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
        Scenario(
            "scsc.detail",
            "ScanSource /scsc detail (key and token)",
            "app",
            [f"/scsc/invoice/v1/detail?customerNumber={c}&InvoiceNumber={n}" for c, n in sample],
            credential="key_and_token",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
    ]


def _pages(total: int) -> list[Scenario]:
    big = dataset.BIG_CUSTOMER
    last_page = (total // 5 + PAGE_ROWS - 1) // PAGE_ROWS
    pos = [dataset.po_number(i) for i in range(0, total // 5, max(1, total // 5 // 500))]
    summary = f"/api/invoice/summary/{big}"
    return [
        Scenario(
            "ss.summary.first",
            "ScanSource summary page 1 (200k customer)",
            "app",
            [f"{summary}?page=1&pageSize={PAGE_ROWS}"],
            at_least=PAGE_TARGET,
            rows_scope="customer",
            credential="api_key",
            floor="floor.page.customer",
        ),
        Scenario(
            "ss.list.first",
            "ScanSource list page 1 (200k customer)",
            "app",
            [f"/api/invoice/list/{big}?page=1&pageSize={PAGE_ROWS}"],
            at_least=PAGE_TARGET,
            rows_scope="customer",
            credential="api_key",
            floor="floor.page.customer",
        ),
        Scenario(
            "ingram.v6.search.first",
            "Ingram XI v6 search page 1 (200k customer)",
            "app",
            [f"/resellers/v6/invoices?customerNumber={big}&isoCountryCode=US&pageSize={PAGE_ROWS}"],
            XI_HEADERS,
            at_least=PAGE_TARGET,
            rows_scope="customer",
            credential="token",
            floor="floor.page.customer",
        ),
        Scenario(
            "abc.history.first",
            "ABC Supply history page 1 (200k bill-to)",
            "app",
            [f"/api/invoice/v1/invoices/history/{big}?itemsPerPage={PAGE_ROWS}&pageNumber=1"],
            credential="abc_token",
            floor="floor.page.bill_to",
            at_least=PAGE_TARGET,
            rows_scope="bill_to",
        ),
        Scenario(
            "ss.summary.last",
            f"ScanSource summary last page ({last_page:,}, 200k customer)",
            "app",
            [f"{summary}?page={last_page}&pageSize={PAGE_ROWS}"],
            credential="api_key",
            floor="floor.page.customer",
        ),
        Scenario(
            "ss.summary.po",
            "ScanSource summary filtered by poNumber (200k customer)",
            "app",
            [f"{summary}?poNumber={p}&pageSize={PAGE_ROWS}" for p in pos],
            credential="api_key",
            floor="floor.page.customer",
        ),
    ]


FEED_PAGE = 1_000  # issue 15: the change feed at 1,000 events a page
FEED_EVENTS = 5_000  # events run.ensure_events puts in the outbox for it


def _native(sample: list[tuple[str, str]]) -> list[Scenario]:
    """The native API (issue 15): detail, first page, a feed page of 1,000 events."""
    big = dataset.BIG_CUSTOMER
    return [
        Scenario(
            "native.detail",
            "native /v1 detail",
            "app",
            [f"/v1/invoices/{c}/{n}" for c, n in sample],
            credential="api_key",
            floor="floor.detail",
            at_least=DETAIL_TARGET,
        ),
        Scenario(
            "native.list.first",
            "native /v1 list page 1 (200k customer)",
            "app",
            # newest first by id, not by date: the floor's rows are not the same rows
            [f"/v1/invoices?customer_number={big}&limit={PAGE_ROWS}"],
            credential="api_key",
            floor="floor.page.customer",
            at_least=PAGE_TARGET,
        ),
        Scenario(
            "native.feed",
            f"native /v1 change feed, {FEED_PAGE:,} events a page",
            "app",
            [f"/v1/events?limit={FEED_PAGE}"],
            credential="api_key",
            floor="floor.page.feed",  # the page floor of the feed's own rows
            at_least=PAGE_TARGET,
        ),
    ]


def scenarios(total: int) -> list[Scenario]:
    """Floors first (the app's ratios are known while it runs, for --profile), then Prism, then
    invoiceport's routes."""
    sample = sample_numbers(2000, total)
    prism = Scenario(
        "prism.detail",
        "Prism mock: seed detail",
        "prism",
        [f"/invoice/detail/{c}/{n}" for c, n in sample],
        credential="api_key",
        floor="floor.detail",
    )
    return [
        *_floors(sample),
        prism,
        *_details(sample, total),
        *_pages(total),
        *_native(sample),
    ]
