() => {
  const problems = [];
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  for (const c of document.querySelectorAll('input, select, textarea')) {
    if (c.type === 'hidden' || !visible(c)) continue;
    const byFor = c.id && document.querySelector(`label[for="${CSS.escape(c.id)}"]`);
    const named = byFor || c.closest('label') || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
    if (!named) problems.push(`control without a label: ${c.outerHTML.slice(0, 80)}`);
  }
  if (document.querySelectorAll('main').length !== 1) problems.push('not exactly one <main>');
  if (!document.querySelector('header, [role=banner]')) problems.push('no banner landmark');
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) problems.push(`${h1.length} h1 headings`);
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  if (!document.title.trim()) problems.push('no <title>');
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt');
  for (const n of document.querySelectorAll('nav')) if (document.querySelectorAll('nav').length > 1 && !n.getAttribute('aria-label')) problems.push('nav without a name');
  for (const b of document.querySelectorAll('button, a')) if (visible(b) && !b.textContent.trim() && !b.getAttribute('aria-label')) problems.push(`unnamed ${b.tagName}`);
  const rgb = (s) => { const m = s.match(/[\d.]+/g) || []; return m.map(Number); };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (e) => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3); } return [255, 255, 255]; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const t = walker.currentNode; const e = t.parentElement;
    if (!t.textContent.trim() || !e || seen.has(e) || !visible(e)) continue;
    seen.add(e);
    const s = getComputedStyle(e);
    const fg = lum(rgb(s.color).slice(0, 3)), bg = lum(background(e));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(s.fontSize); const bold = Number(s.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) problems.push(`contrast ${ratio.toFixed(2)} < ${need}: ${t.textContent.trim().slice(0, 40)}`);
  }
  return problems;
}
