"""invoiceport: a self-hostable partner invoice API server."""

__version__ = "0.1.0"
