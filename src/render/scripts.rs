//! The JavaScript the render stage runs in the page (kept here so what runs is reviewable).

/// Installed before any script of the page runs: what a scan must never let a page do.
pub const GUARD: &str = r#"(() => {
  const off = (obj, name, value) => { try { Object.defineProperty(obj, name, { value, configurable: false, writable: false }); } catch (e) {} };
  off(window, 'open', () => null);
  off(window, 'WebSocket', undefined);
  off(window, 'WebTransport', undefined);
  off(window, 'EventSource', undefined);
  off(window, 'RTCPeerConnection', undefined);
  try { Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined }); } catch (e) {}
  try { navigator.sendBeacon = () => false; } catch (e) {}
})();"#;

/// Marks every element a visitor cannot see with `data-icp-patrol-hidden="<why>"` (display, visibility,
/// opacity, zero size with clipped overflow, off-screen, clipped, text colour on the same background),
/// then returns the serialised document. Bounded: at most `LIMIT` elements are examined.
pub const MARK_HIDDEN_AND_SERIALISE: &str = r#"(() => {
  const LIMIT = 30000;
  const doc = document.documentElement;
  const width = Math.max(doc.scrollWidth, doc.clientWidth);
  const rgb = (c) => { const m = /rgba?\(([^)]+)\)/.exec(c || ''); if (!m) return null; const p = m[1].split(/[ ,\/]+/).map(parseFloat); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
  const backdrop = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; if (getComputedStyle(e).backgroundImage !== 'none') return null; } return { r: 255, g: 255, b: 255, a: 1 }; };
  const ownText = (el) => { for (const n of el.childNodes) { if (n.nodeType === 3 && n.data.trim()) return true; } return false; };
  const all = document.body ? document.body.getElementsByTagName('*') : [];
  for (let i = 0; i < all.length && i < LIMIT; i++) {
    const el = all[i];
    const cs = getComputedStyle(el);
    let why = null;
    if (cs.display === 'none') why = 'display';
    else if (cs.visibility === 'hidden' || cs.visibility === 'collapse') why = 'visibility';
    else if (parseFloat(cs.opacity) === 0) why = 'opacity';
    else {
      const r = el.getBoundingClientRect();
      const x = r.left + window.scrollX, y = r.top + window.scrollY;
      if ((r.width === 0 || r.height === 0) && cs.overflow !== 'visible' && cs.display !== 'contents') why = 'size';
      else if (r.width > 0 && (x + r.width <= 0 || y + r.height <= 0 || x >= width)) why = 'offscreen';
      else if (/rect\(\s*0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\s*\)/.test(cs.clip) || /inset\(\s*(50|100)%/.test(cs.clipPath)) why = 'clip';
      else if (ownText(el)) {
        const fg = rgb(cs.color), bg = backdrop(el);
        if (fg && bg && fg.a > 0 && Math.abs(fg.r - bg.r) + Math.abs(fg.g - bg.g) + Math.abs(fg.b - bg.b) < 30) why = 'colour';
        else if (fg && fg.a === 0) why = 'colour';
      }
    }
    if (why) el.setAttribute('data-icp-patrol-hidden', why);
  }
  return '<!DOCTYPE html>' + doc.outerHTML;
})()"#;

/// The page box of the footer region: a footer-named element, else the block holding the last
/// filing-number-like text; `null` when neither exists.
pub const FOOTER_BOX: &str = r#"(() => {
  const named = Array.from(document.querySelectorAll('footer, [id*="foot" i], [class*="foot" i], [id*="copyright" i], [class*="copyright" i], [class*="beian" i], [id*="beian" i]'))
    .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && /\S/.test(e.innerText || ''); });
  let el = named.length ? named[named.length - 1] : null;
  if (!el && document.body) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let last = null;
    for (let n = walker.nextNode(), i = 0; n && i < 50000; n = walker.nextNode(), i++) {
      if (/ICP|备案|公网安备|版权|copyright/i.test(n.data)) last = n.parentElement;
    }
    el = last && (last.closest('div, section, p, td, table, ul') || last);
  }
  if (!el) return null;
  const r = el.getBoundingClientRect();
  if (r.width <= 0 || r.height <= 0) return null;
  return { x: Math.max(0, r.left + window.scrollX), y: Math.max(0, r.top + window.scrollY), width: Math.min(r.width, 4000), height: Math.min(r.height, 2000) };
})()"#;
