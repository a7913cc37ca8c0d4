"""The seller's letterhead printed at the top of every invoice PDF.

The server's settings object builds one of these; the renderer never reads settings itself, so it
can be used (and tested) without any configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invoiceport.settings import Settings

# PNG and JPEG are what ReportLab embeds without surprises (JPEG as-is, PNG re-encoded losslessly).
LOGO_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})


@dataclass(frozen=True, slots=True)
class Letterhead:
    """Who the invoice is from: name, postal address lines, tax id and an optional logo file."""

    name: str
    address_lines: tuple[str, ...] = ()
    tax_id: str | None = None
    logo_path: Path | None = None

    def __post_init__(self) -> None:
        # A misconfigured logo should stop the server at start-up, not fail every PDF later.
        if not self.name.strip():
            raise ValueError("letterhead name must not be blank")
        if self.logo_path is not None:
            if self.logo_path.suffix.lower() not in LOGO_SUFFIXES:
                raise ValueError(f"logo must be a PNG or JPEG file, got {self.logo_path.name!r}")
            if not self.logo_path.is_file():
                raise ValueError(f"logo file {str(self.logo_path)!r} does not exist")


DEFAULT_LETTERHEAD = Letterhead(
    name="invoiceport demo supplier",
    address_lines=("100 Example Street", "Springfield, IL 62701", "United States"),
    tax_id=None,
    logo_path=None,
)


def letterhead_from_settings(settings: Settings) -> Letterhead:
    """The letterhead the server's `INVOICEPORT_SELLER_*` settings describe.

    `seller_address` holds the address lines separated by newlines or `|`. Built once per app
    (a missing logo file stops the server at start-up, not every PDF later).
    """
    lines = tuple(part.strip() for part in settings.seller_address.replace("|", "\n").splitlines())
    return Letterhead(
        name=settings.seller_name,
        address_lines=tuple(line for line in lines if line),
        tax_id=settings.seller_tax_id or None,
        logo_path=settings.seller_logo,
    )
