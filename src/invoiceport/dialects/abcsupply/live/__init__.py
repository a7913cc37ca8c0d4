"""ABC Supply's live API generation, beside the seed's (`../shared/references/real-clients.md`).

Invoice by id at `/api/invoice/v1/invoices/id/{invoiceId}`, its PDF at `.../pdf/{invoiceId}`
(scope `invoice.read`): views over
the same store, the same tokens and the same kit pipeline as the seed routes (docs/abcsupply.md).
"""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    """The live routes (after the seed's, which keep their answers), their error shape and the
    served spec."""
    from invoiceport.dialects.abcsupply.live.routes import install as install_routes

    install_routes(app)


__all__ = ["install"]
