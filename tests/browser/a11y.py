"""An accessibility check of a page, run in the browser: labels, landmarks, contrast.

Our own checks (no axe-core bundle to vendor): every visible form control has a label, the page
has one `main`, a banner and its headings start at h1, the document has a language and a title,
images have alternative text, and every text's colour has WCAG AA contrast (4.5:1, 3:1 for large
text) against the background it is drawn on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHECK = (Path(__file__).parent / "a11y.js").read_text()


def problems(page: Any) -> list[str]:
    found: list[str] = page.evaluate(CHECK)
    return found
