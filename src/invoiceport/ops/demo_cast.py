"""The demo's fixed cast (`ops.demo`): its customers (production, sandbox, and one no demo
partner is granted), the products with their part numbers, carriers, sales reps, currency rates
and fees. Changing any of it changes every demo invoice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    number: str
    name: str
    country: str
    currency: str
    tax_rate: Decimal
    city: str
    state: str | None
    postal_code: str
    street: str


CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        "100234",
        "Northwind Retail Systems",
        "US",
        "USD",
        Decimal("0.0825"),
        "Greenville",
        "SC",
        "29615",
        "6 Logue Court",
    ),
    DemoCustomer(
        "100587",
        "Maple Leaf POS Ltd",
        "CA",
        "CAD",
        Decimal("0.13"),
        "Mississauga",
        "ON",
        "L5T 2N7",
        "1270 Aerowood Drive",
    ),
    DemoCustomer(
        "20-123456",
        "Vihu Ltd",
        "GB",
        "GBP",
        Decimal("0.20"),
        "Thorrington",
        None,
        "CO7 4GY",
        "Innovation House, 96 High St",
    ),
    DemoCustomer(
        "40-778899",
        "Müller & Söhne Kassensysteme GmbH",
        "DE",
        "EUR",
        Decimal("0.19"),
        "Straubing",
        "BY",
        "94315",
        "Äußere Passauer Straße 12",
    ),
    DemoCustomer(
        "PL-5521",
        "Łódzkie Systemy Kasowe Sp. z o.o.",
        "PL",
        "PLN",
        Decimal("0.23"),
        "Łódź",
        None,
        "90-001",
        "ul. Piotrkowska 104",
    ),
)
"""Customers granted to the demo partner."""

OTHER_CUSTOMER = DemoCustomer(
    "100999",
    "Contoso Barcode Inc",
    "US",
    "USD",
    Decimal("0.07"),
    "Tampa",
    "FL",
    "33602",
    "400 N Ashley Drive",
)
"""A customer the demo partner is *not* granted (shows the 403 answers)."""

ALL_CUSTOMERS = (*CUSTOMERS, OTHER_CUSTOMER)

# (item number, manufacturer part, description, unit price in USD, serialised)
PRODUCTS: tuple[tuple[str, str, str, str, bool], ...] = (
    (
        "ZEB-DS2208",
        "DS2208-SR7U2100AZW",
        "Zebra DS2208 corded 2D barcode scanner, USB kit",
        "118.40",
        True,
    ),
    (
        "HON-1950G",
        "1950GSR-2USB-N",
        "Honeywell Xenon XP 1950g area-imaging scanner",
        "189.00",
        True,
    ),
    (
        "ZEB-ZD421",
        "ZD4A042-D01E00EZ",
        "Zebra ZD421 direct thermal desktop printer, 203 dpi",
        "412.75",
        True,
    ),
    (
        "ZEB-TC52",
        "TC520K-1PEZU4P-NA",
        "Zebra TC52 touch computer, Android, 4/32 GB, WLAN",
        "1049.00",
        True,
    ),
    (
        "EPS-TM88",
        "C31CJ57012",
        "Epson TM-T88VII thermal receipt printer, USB/Ethernet",
        "329.50",
        True,
    ),
    ("ELO-1502L", "E155645", "Elo 1502L 15.6-inch touchscreen monitor", "486.20", True),
    ("APG-VB320", "VB320-BL1616", "APG Vasario 1616 cash drawer, black", "96.85", False),
    (
        "ZEB-LBL4X6",
        "800264-605",
        "Zebra Z-Perform 1000D 4 x 6 in. labels, 4 rolls",
        "31.1250",
        False,
    ),
    (
        "CIS-C9200",
        "C9200L-24P-4G-E",
        "Cisco Catalyst 9200L 24-port PoE+ 4x1G uplink switch",
        "2154.00",
        True,
    ),
    ("POLY-EDGE", "2200-49690-015", "Poly Edge E350 IP desk phone", "178.40", True),
    ("CAB-USB3", "CBA-U21-S07ZAR", "Zebra shielded USB cable, 7 ft straight", "12.6000", False),
    (
        "SUP-OSS3",
        "Z1AE-TC52XX-3C00",
        "Zebra OneCare Essential, 3 years, comprehensive",
        "214.00",
        False,
    ),
)

CARRIERS = (
    ("FN", "NEXT DAY PARCELFORCE"),
    ("UPSG", "UPS GROUND"),
    ("FDX2", "FEDEX 2DAY"),
    ("DHL", "DHL EXPRESS"),
)
SALES_REPS = (
    ("JD012345", "Doe, John A", "john.doe@supplier.example"),
    ("MK220871", "Kowalska, Maria", "maria.kowalska@supplier.example"),
    ("TS551200", "Schmidt, Tobias", "tobias.schmidt@supplier.example"),
)
CURRENCY_RATES = {
    "USD": Decimal("1.000000"),
    "CAD": Decimal("1.362500"),
    "GBP": Decimal("0.791200"),
    "EUR": Decimal("0.921800"),
    "PLN": Decimal("3.985400"),
}
FEES = (("ENV", "Environmental recycling fee"), ("HND", "Handling fee"), ("FUEL", "Fuel surcharge"))
