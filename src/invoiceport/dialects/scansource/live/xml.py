"""The current generation's JSON views as the classic XML (`Accept: application/xml`): the same
names, the .NET `XmlSerializer` layout (null values left out, arrays as repeated elements named
after their item type, strings as `<string>`), amounts with their exact digits."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from invoiceport.dialects.scansource.xml import NAMESPACES

ITEMS = {
    "InvoiceLines": "InvoiceLine",
    "Shipments": "Shipment",
    "SerialNumbers": "string",
    "TrackingNumbers": "string",
}
# Characters XML 1.0 cannot carry at all; replaced rather than producing a broken document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return _NOT_XML.sub("\ufffd", str(value))


def _fill(element: Element, body: dict[str, Any]) -> None:
    for name, value in body.items():
        if value is None:
            continue
        child = SubElement(element, name)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            for item in value:
                entry = SubElement(child, ITEMS[name])
                if isinstance(item, dict):
                    _fill(entry, item)
                else:
                    entry.text = _text(item)
        else:
            child.text = _text(value)


def single(name: str, body: dict[str, Any]) -> bytes:
    root = Element(name, NAMESPACES)
    _fill(root, body)
    return document(root)


def document(root: Element) -> bytes:
    written: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return written


def array(name: str, item: str, bodies: list[dict[str, Any]]) -> bytes:
    root = Element(name, NAMESPACES)
    for body in bodies:
        _fill(SubElement(root, item), body)
    return document(root)
