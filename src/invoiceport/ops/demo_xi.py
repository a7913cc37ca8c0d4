"""Demo invoices whose numbers fit Ingram's SDK (`xi-sdk-resellers` takes invoice numbers of at
most 12 characters, 11 in search, and customer numbers of at most 10): copies of the seed's
sample (`demo.ingram_sample`) for customer 20-123456, in production and sandbox, and the SDK
snippet `invoiceport demo` (so `make run`) prints."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.ops.demo import ingram_sample

XI_CUSTOMER = "20-123456"
# (invoice number, sales order number, status, environment)
XI_INVOICES = (
    ("40-DPJ17-11", "40-DPJ17", "invoiced", "production"),
    ("40-DPJ18-11", "40-DPJ18", "paid", "production"),
    ("40-DPJ19-11", "40-DPJ19", "invoiced", "production"),
    ("40-SBX01-11", "40-SBX01", "invoiced", "sandbox"),
)


def xi_invoices(today: date) -> Iterator[CanonicalInvoice]:
    for number, order, status, environment in XI_INVOICES:
        doc = ingram_sample(today, environment)
        doc.update(invoice_number=number, sales_order_number=order, status=status)
        doc["po_number"] = f"PO-{number[3:8]}"
        yield CanonicalInvoice.model_validate(doc)


def sdk_snippet(base_url: str, client_id: str, client_secret: str) -> Iterator[str]:
    """A Python program using Ingram's SDK against this server: a token, v6.1 details, search."""
    yield "from xi.sdk.resellers import AccesstokenApi, ApiClient, Configuration, InvoicesApi"
    yield f"api = ApiClient(Configuration(host={base_url!r}))"
    yield (
        "token = AccesstokenApi(api).get_accesstoken("
        f"'client_credentials', {client_id!r}, {client_secret!r}).access_token"
    )
    yield f"invoices = InvoicesApi(ApiClient(Configuration(host={base_url!r}, access_token=token)))"
    yield (
        f"ids = dict(im_customer_number={XI_CUSTOMER!r}, im_country_code='GB', "
        "im_correlation_id='demo-1')"
    )
    yield (
        f"found = invoices.get_invoicedetails_v6_1({XI_INVOICES[0][0]!r}, "
        "im_application_id='demo', include_serial_numbers=True, **ids)"
    )
    yield "print(found.invoice_number, found.summary.totals.invoiced_amount_due)"
    yield "page = invoices.get_resellers_v6_invoicesearch('demo', **ids, page_size=5)"
    yield "print(page.records_found, [i.invoice_number for i in page.invoices])"
