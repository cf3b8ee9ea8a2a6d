// The rich-text subset the server keeps (portal/board/sanitize.py, nh3): the editor's output is reduced to
// it before sending, so what the author sees is what the server stores, and posts are reduced to it again
// before display (defence in depth; the server already cleaned them). A test reads sanitize.py to keep the
// two lists equal.

export const ALLOWED_TAGS = new Set([
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'blockquote', 'pre', 'code', 'strong', 'b', 'em', 'i', 'u', 's',
  'del', 'sub', 'sup', 'span', 'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]);

export const ALLOWED_ATTRIBUTES: Record<string, ReadonlySet<string>> = {
  a: new Set(['href', 'title']),
  img: new Set(['src', 'alt', 'width', 'height']),
  td: new Set(['colspan', 'rowspan']),
  th: new Set(['colspan', 'rowspan']),
  ol: new Set(['start']),
};

/** What browsers' editing commands produce, renamed to the allowed equivalent. */
const RENAME: Record<string, string> = { strike: 's', div: 'p', font: 'span', ins: 'u', h5: 'h4', h6: 'h4' };

/** Removed together with their content (nh3 does the same for these). */
const DROP = new Set(['script', 'style', 'iframe', 'object', 'embed', 'noscript', 'template', 'svg', 'math', 'head', 'title', 'meta', 'link']);

const URL_ATTRIBUTES = new Set(['href', 'src']);

export function isSafeUrl(value: string): boolean {
  // Browsers ignore control characters and spaces inside a scheme ("java\tscript:"), so must we.
  const v = value.replace(/[\u0000-\u0020]/g, '');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(v);
  if (!scheme) return true; // relative URLs pass, as with nh3's defaults
  return ['http', 'https', 'mailto'].includes(scheme[1]!.toLowerCase());
}

function cleanChildren(source: Node, target: Node, doc: Document): void {
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      target.appendChild(doc.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue; // comments, processing instructions
    const el = child as Element;
    const name = el.tagName.toLowerCase();
    if (DROP.has(name)) continue;
    const tag = RENAME[name] ?? name;
    if (!ALLOWED_TAGS.has(tag)) {
      cleanChildren(el, target, doc); // unknown wrapper: keep what it says
      continue;
    }
    const out = doc.createElement(tag);
    const allowed = ALLOWED_ATTRIBUTES[tag];
    for (const attr of Array.from(el.attributes)) {
      const attrName = attr.name.toLowerCase();
      if (!allowed?.has(attrName)) continue;
      if (URL_ATTRIBUTES.has(attrName) && !isSafeUrl(attr.value)) continue;
      out.setAttribute(attrName, attr.value);
    }
    if (tag === 'a' && out.hasAttribute('href')) out.setAttribute('rel', 'noopener noreferrer nofollow');
    cleanChildren(el, out, doc);
    target.appendChild(out);
  }
}

/** `html` reduced to the allowed tags and attributes, with safe URLs only. */
export function cleanRichText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const container = doc.createElement('div');
  cleanChildren(doc.body, container, doc);
  return container.innerHTML;
}

/** True when the text has nothing but whitespace and empty paragraphs. */
export function isBlankRichText(html: string): boolean {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  return !(doc.body.textContent ?? '').trim() && !doc.body.querySelector('img, hr, table');
}
