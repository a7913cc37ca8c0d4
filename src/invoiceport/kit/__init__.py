"""The dialect kit: a dialect is declared (`Dialect`), and one pipeline serves all its routes.

    DIALECT = Dialect(name="acme", credential=ApiKey(...), render_error=..., prefixes=("/acme/",))
    router = APIRouter(prefix="/acme", route_class=route_class(DIALECT))

    @router.get("/invoices/{number}")
    @reads(lambda request: Read(ByKey(...), cache_key=(...)))
    async def invoice(request: Request, principal: Caller, found: Fetched) -> Response: ...

See docs/architecture.md, "The dialect kit".
"""

from invoiceport.kit.cache import RenderCache
from invoiceport.kit.dialect import ApiKey, Bearer, Credential, Dialect, KeyAndBearer, KeyOrBearer
from invoiceport.kit.found import Found, Read, reads
from invoiceport.kit.install import Spec, install
from invoiceport.kit.pipeline import Caller, Fetched, letterhead, render_cache, route_class

__all__ = [
    "ApiKey",
    "Bearer",
    "Caller",
    "Credential",
    "Dialect",
    "Fetched",
    "Found",
    "KeyAndBearer",
    "KeyOrBearer",
    "Read",
    "RenderCache",
    "Spec",
    "install",
    "letterhead",
    "reads",
    "render_cache",
    "route_class",
]
