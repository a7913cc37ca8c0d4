"""A customer's statement of account: open items, aged per currency (current, 1-30, 31-60,
61-90, over 90 days past the due date; the invoice date when there is none). Credit memos carry
positive amounts and reduce what is owed. The caller checks the grant first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.platform.db import read_connection
from invoiceport.statements import repository
from invoiceport.statements.repository import BUCKETS

MAX_ITEMS = 500


@dataclass(slots=True)
class CurrencyAging:
    currency: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, Decimal(0)))
    count: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), Decimal(0))


@dataclass(frozen=True, slots=True)
class Statement:
    customer: str
    as_of: date
    currencies: list[CurrencyAging]
    items: list[Any]
    count: int

    @property
    def truncated(self) -> bool:
        return self.count > len(self.items)


async def statement(engine: AsyncEngine, environment: str, customer: str, today: date) -> Statement:
    async with read_connection(engine) as conn:
        sums = await repository.aging(conn, environment, customer, today)
        items = await repository.open_items(conn, environment, customer, MAX_ITEMS)
    by_currency: dict[str, CurrencyAging] = {}
    for currency, bucket, amount, n in sums:
        aged = by_currency.setdefault(currency, CurrencyAging(currency))
        aged.buckets[bucket] += amount
        aged.count += n
    currencies = [by_currency[c] for c in sorted(by_currency)]
    return Statement(customer, today, currencies, items, sum(c.count for c in currencies))
