"""EN 16931 e-invoices: Peppol BIS 3, XRechnung 3.0 (UBL), CII D16B and Factur-X, validated.

`model` maps a canonical invoice onto the EN 16931 semantic model, `ubl` and `cii` write it,
`facturx` makes the PDF/A-3 with the CII attached, `validate` runs the XSDs and the official rule
sets, `export` ties them together (docs/einvoicing.md). A domain package: it never imports a
dialect nor HTTP types.
"""
