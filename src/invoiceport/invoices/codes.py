"""Code tables the canonical invoice is checked against.

ISO 3166-1 alpha-2 country codes and ISO 4217 currency codes (from the ISO tables as published by
Debian's iso-codes),
and the Ingram Micro code tables of seed 004 (hold reasons, credit memo reasons,
order statuses). A blank code in the seed is written as null (or an empty string) in the canonical
invoice.
"""

from typing import Final

COUNTRY_CODES: Final = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
    """.split()  # noqa: SIM905 - a table is easier to read than a list
)

CURRENCY_CODES: Final = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN
    BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU
    MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
    RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAD XAF XAG XAU XBA XBB
    XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a table is easier to read than a list
)

HOLD_REASONS: Final[dict[str, str]] = {
    "AC": "Adjusted cost hold",
    "BA": "Bad address hold",
    "BL": "Special bid hold",
    "BO": "Bill only hold",
    "C3": "Credit hold",
    "C4": "Credit hold",
    "C5": "Credit hold",
    "C8": "Credit hold",
    "CC": "Credit card hold",
    "CH": "Credit check hold",
    "CL": "Credit check hold",
    "EA": "ACOP hold",
    "EH": "ACOP hold",
    "ER": "Final review hold",
    "ES": "End-user rejected/missing",
    "EU": "End-user data missing",
    "EX": "Export hold",
    "FL": "Flooring hold",
    "GM": "Margin hold",
    "IC": "All orders set to hold (customer setting)",
    "IM": "Customer hold",
    "IN": "Fulfilment (dropship) value hold",
    "LM": "Margin hold",
    "LT": "Margin hold",
    "MN": "Pricing hold",
    "PC": "Credit check hold",
    "PD": "Credit check hold",
    "R1": "Export hold",
    "RP": "Export hold",
    "S2": "Combined SM/SP hold",
    "SB": "Special bid hold",
    "SE": "Special product hold",
    "SF": "Freight hold",
    "SH": "Sales hold",
    "SM": "Waive minimum order fee hold",
    "SP": "Price change hold",
    "TV": "Transmit to vendor hold (awaiting a response)",
    "VO": "Deleted order",
    "VR": "Vendor required information missing",
    "WT": "Weight hold",
    "ZS": "IM-Online offline hold",
}

CREDIT_MEMO_REASONS: Final[dict[str, str]] = {
    "BB": "Box closed (selected customers)",
    "BO": "Box open (selected customers)",
    "BS": "Backorder shipped in error",
    "BU": "Box incomplete (selected customers)",
    "BW": "Unopened but transit wear (selected customers)",
    "DF": "Defective",
    "DI": "Direct/Vendor credit",
    "DM": "Damaged in transit - POD endorsed",
    "DO": "Demo (sale or return)",
    "DS": "Duplicate shipment",
    "IN": "Incomplete product",
    "LQ": "Broken or Defective (selected customers)",
    "LS": "Lost shipment (carrier claim)",
    "NR": "Non-Resalable",
    "OS": "Over Shipment (shipped but not charged for)",
    "RB": "Rebill (Credit & Rebill)",
    "RF": "Refusal return",
    "RP": "Repair",
    "RT": "Returns write off",
    "SB": "Stock balance (no restocking fee)",
    "SC": "Customer error (with restocking fee)",
    "SI": "Misc. return (where no other code applies)",
    "SL": "Short shipment (warehouse claim - consignment vendors)",
    "SS": "Short shipment (warehouse claim)",
    "VE": "Vendor Error",
    "WP": "Wrong purchasing (impulse spec error)",
    "WS": "Wrong sales (error by sales dept)",
    "WT": "Wrong technical (website spec error)",
    "WW": "Wrong pick by warehouse",
}

ORDER_STATUSES: Final[dict[str, str]] = {
    "C": "Credit hold",
    "D": "Shipment hold",
    "E": "Billing error",
    "F": "Invoiced",
    "I": "Billed",
    "B": "Billed",
    "O": "Ecommerce Hold",
    "R": "Released to the warehouse management system",
    "P": "Paid",
    "S": "Sales Hold",
    "V": "Deleted order",
    "W": "Order not released to the warehouse management system",
}
