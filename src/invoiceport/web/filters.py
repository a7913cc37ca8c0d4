"""The portal's invoice filters, read from the query string (shared by the page and its CSV)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from invoiceport.invoices.queries import InvoiceQuery

STATUSES = ("open", "invoiced", "paid", "cancelled")
TYPES = ("invoice", "credit_memo")


class BadFilter(ValueError):
    pass


def _text(params: Mapping[str, str], name: str, label: str) -> str | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    if len(value) > 255 or not value.isprintable():
        raise BadFilter(f"{label}: at most 255 printable characters")
    return value


def _day(params: Mapping[str, str], name: str, label: str) -> date | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(f"{label}: not a date (YYYY-MM-DD): {value[:40]!r}") from None


def _choice(params: Mapping[str, str], name: str, label: str, allowed: tuple[str, ...]) -> Any:
    value = params.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        raise BadFilter(f"{label}: one of {', '.join(allowed)}")
    return value


@dataclass(frozen=True, slots=True)
class Filters:
    invoice: str | None = None
    order: str | None = None
    po: str | None = None
    serial: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    type: str | None = None
    after_date: date | None = None
    after_number: str | None = None

    @classmethod
    def empty(cls) -> Filters:
        return cls()

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        found = cls(
            invoice=_text(params, "invoice", "Invoice number"),
            order=_text(params, "order", "Order number"),
            po=_text(params, "po", "PO number"),
            serial=_text(params, "serial", "Serial number"),
            date_from=_day(params, "from", "Invoice date from"),
            date_to=_day(params, "to", "Invoice date to"),
            status=_choice(params, "status", "Status", STATUSES),
            type=_choice(params, "type", "Document type", TYPES),
            after_date=_day(params, "after_date", "Cursor"),
            after_number=_text(params, "after", "Cursor"),
        )
        if found.date_from and found.date_to and found.date_from > found.date_to:
            raise BadFilter("Invoice date from: after Invoice date to")
        return found

    @property
    def after(self) -> tuple[date | None, str] | None:
        return None if self.after_number is None else (self.after_date, self.after_number)

    @property
    def active(self) -> bool:
        values = asdict(self)
        return any(v is not None for k, v in values.items() if not k.startswith("after"))

    def query(self, environment: str, customer: str) -> InvoiceQuery:
        return InvoiceQuery(
            environment,
            (customer,),
            invoice_number=self.invoice,
            sales_order_number=self.order,
            po_number=self.po,
            invoice_date_from=self.date_from,
            invoice_date_to=self.date_to,
            status=self.status,
            document_type=self.type,
            serial_number=self.serial,
        )

    def params(self, customer: str, **cursor: str) -> str:
        """The query string of these filters (without the cursor unless given)."""
        pairs = {
            "customer": customer,
            "invoice": self.invoice,
            "order": self.order,
            "po": self.po,
            "serial": self.serial,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "status": self.status,
            "type": self.type,
            **cursor,
        }
        return urlencode({k: v for k, v in pairs.items() if v})
