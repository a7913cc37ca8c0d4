"""UN/ECE Recommendation 20 unit codes (BT-130) from the canonical `unit_of_measure`.

A line's `unit_code` is used as given. Without one, `unit_of_measure` is looked up (case and a
trailing dot ignored) in `UNIT_CODES`; anything not in the table, or no unit at all, becomes `C62`
("one", a unit count). The table is documented in docs/canonical-invoice.md; codes starting with
`X` are UN/ECE Recommendation 21 package codes, which EN 16931 allows for BT-130.
"""

from __future__ import annotations

from typing import Final

DEFAULT_UNIT: Final = "C62"

UNIT_CODES: Final[dict[str, str]] = {
    "EA": "EA",  # each
    "EACH": "EA",
    "PC": "H87",  # piece
    "PCS": "H87",
    "PIECE": "H87",
    "UNIT": "C62",
    "UN": "C62",
    "BX": "XBX",  # box
    "BOX": "XBX",
    "CS": "XCS",  # case
    "CASE": "XCS",
    "CT": "XCT",  # carton
    "CTN": "XCT",
    "PK": "XPK",  # pack
    "PACK": "XPK",
    "PKG": "XPK",
    "BDL": "XBE",  # bundle
    "BUNDLE": "XBE",
    "RL": "XRO",  # roll
    "ROLL": "XRO",
    "PL": "XPX",  # pallet
    "PALLET": "XPX",
    "PR": "PR",  # pair
    "PAIR": "PR",
    "DZ": "DZN",  # dozen
    "DOZEN": "DZN",
    "SET": "SET",
    "KIT": "KT",
    "FT": "FOT",  # foot
    "LF": "FOT",  # linear foot
    "IN": "INH",
    "YD": "YRD",
    "M": "MTR",
    "SF": "FTK",  # square foot
    "SQFT": "FTK",
    "M2": "MTK",
    "KG": "KGM",
    "G": "GRM",
    "LB": "LBR",
    "L": "LTR",
    "GAL": "GLL",
    "HR": "HUR",  # hour
    "HOUR": "HUR",
    "DAY": "DAY",
    "MO": "MON",  # month
    "MONTH": "MON",
    "YR": "ANN",  # year
    "YEAR": "ANN",
    "LIC": "C62",  # licence, counted
    "LICENSE": "C62",
}


def unit_code(given: str | None, unit_of_measure: str | None) -> str:
    """The Rec 20 code of a line: `unit_code` if given, else the table, else `C62`."""
    if given:
        return given
    if unit_of_measure:
        return UNIT_CODES.get(unit_of_measure.strip().rstrip(".").upper(), DEFAULT_UNIT)
    return DEFAULT_UNIT
