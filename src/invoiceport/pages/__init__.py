"""Server-rendered HTML pages: the start page `/` (what this server is, where to go next) and the
layout every page shares (`templates/layout.html`, `static/site.css`).

Pages are Jinja2 templates, autoescaped, rendered by `templating.render`, which adds the pages'
security headers (a Content-Security-Policy without inline scripts or styles). They work without
JavaScript. The portal and console extend `layout.html` (blocks `title`, `nav`, `main`; render
with `**templating.site_values(settings)`, which the layout needs) and serve their styles from
`/static/` (`templating.STATIC_FILES`).
"""

from __future__ import annotations

from invoiceport.pages.landing import install

__all__ = ["install"]
