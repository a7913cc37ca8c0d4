"""A client nobody here wrote: generated from the seed spec by `openapi-python-client`.

The client is generated into a temporary folder and imported; it then decodes the summary, list
and detail answers into its own typed models (attrs classes with the seed's field names), and keeps
the classic extras in each model's `additional_properties`.
"""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tests.scansource.conftest import A_CUSTOMER, KEY_HEADER, World

CONTRACT = Path(__file__).parent.parent / "contracts" / "scansource-invoice-openapi.yml"
GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
PACKAGE = "scansource_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    folder = tmp_path_factory.mktemp("generated")
    config = folder / "config.yml"
    # The generator has no decoder of its own for application/pdf: read it as bytes (a `File`).
    config.write_text(
        f"package_name_override: {PACKAGE}\npost_hooks: []\n"
        "content_type_overrides:\n  application/pdf: application/octet-stream\n"
    )
    subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            str(CONTRACT),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(folder / PACKAGE),
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    sys.path.insert(0, str(folder))
    try:
        names = {
            "client": f"{PACKAGE}.client",
            "summary": f"{PACKAGE}.api.invoices.get_invoice_summary",
            "list": f"{PACKAGE}.api.invoices.list_invoices",
            "detail": f"{PACKAGE}.api.invoices.get_invoice_detail",
            "pdf": f"{PACKAGE}.api.invoices.get_invoice_pdf",
            "models": f"{PACKAGE}.models",
            "types": f"{PACKAGE}.types",
        }
        yield {key: importlib.import_module(name) for key, name in names.items()}
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def api_client(generated: dict[str, ModuleType], world: World) -> Any:
    """The generated client, pointed at the app (in process) with partner A's key."""
    return generated["client"].AuthenticatedClient(
        base_url="http://invoiceport.test/api",
        token=world.a_key,
        prefix="",
        auth_header_name=KEY_HEADER,
        httpx_args={"transport": world.transport},
    )


async def test_generated_client_decodes_summary_list_and_detail(
    world: World, generated: dict[str, ModuleType]
) -> None:
    models = generated["models"]
    async with api_client(generated, world) as client:
        summary = await generated["summary"].asyncio(
            A_CUSTOMER, client=client, page=1, page_size=3, from_date=datetime.date(2026, 10, 1)
        )
        assert isinstance(summary, models.InvoiceSummaryResponse)
        assert (summary.total_count, summary.page, summary.page_size) == (4, 1, 3)
        first = summary.invoices[0]
        assert isinstance(first, models.InvoiceSummaryResponseInvoicesItem)
        assert first.invoice_number == "INV-1003"
        assert first.invoice_date == datetime.date(2026, 10, 5)
        assert first.total_amount == pytest.approx(4904.90)
        assert first.additional_properties["docType"] == "Invoice"

        listed = await generated["list"].asyncio(A_CUSTOMER, client=client, po_number="PO-BIG")
        assert isinstance(listed, models.InvoiceListResponse)
        assert listed.total_count == 1
        assert isinstance(listed.invoices[0], models.InvoiceDetail)

        detail = await generated["detail"].asyncio(A_CUSTOMER, "BIG-1", client=client)
        assert isinstance(detail, models.InvoiceDetail)
        assert detail.to_dict() == listed.invoices[0].to_dict()
        assert detail.customer_number == A_CUSTOMER
        assert detail.due_date == datetime.date(2026, 2, 14)
        assert isinstance(detail.bill_to_address, models.InvoiceDetailBillToAddress)
        assert detail.bill_to_address.postal_code == "29615"
        line = detail.line_items[0]
        assert isinstance(line, models.InvoiceDetailLineItemsItem)
        assert (line.line_number, line.quantity, line.serial_numbers) == (
            1,
            3,
            ["SN1", "SN2", "SN3"],
        )
        assert line.unit_price == pytest.approx(411522.13)
        assert line.additional_properties["backOrdered"] == 1
        assert detail.total_amount == pytest.approx(1234567.89)
        assert detail.shipping_cost == pytest.approx(0.30)
        assert detail.additional_properties["salesRepName"] == "Doe, John"

        slim = await generated["detail"].asyncio(
            A_CUSTOMER, "BIG-1", client=client, exclude_serial_tracking=True
        )
        assert isinstance(slim.line_items[0].serial_numbers, generated["types"].Unset)

        missing = await generated["detail"].asyncio_detailed(A_CUSTOMER, "NOPE", client=client)
        assert missing.status_code == 404

        pdf = await generated["pdf"].asyncio(A_CUSTOMER, "BIG-1", client=client)
        assert isinstance(pdf, generated["types"].File)
        assert pdf.payload.read(5) == b"%PDF-"
