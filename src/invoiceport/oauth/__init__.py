"""The OAuth 2.0 token endpoint (client credentials grant, RFC 6749) shared by the dialects."""

from invoiceport.oauth.endpoints import install

__all__ = ["install"]
