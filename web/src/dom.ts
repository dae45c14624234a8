// dom.ts: small DOM helpers shared by the dashboard's panels.

/** $ finds an element of index.html by id; a missing one is a bug in the page, so it throws. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** el makes an element with properties and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** button makes a button that calls onClick, with extra attributes. */
export function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button' }, label);
  for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
  b.addEventListener('click', onClick);
  return b;
}

/** safeUrl resolves url against the page and keeps it only when it is http(s). */
export function safeUrl(url: string, base: string = location.href): string | null {
  try {
    const u = new URL(url, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** sourceList lists sources as links (opening in a new tab) with publisher and year. */
export function sourceList(
  sources: readonly { title: string; url: string; publisher?: string | null; year?: number | null }[],
): HTMLElement {
  const ul = el('ul', { className: 'sources' });
  for (const s of sources) {
    const href = safeUrl(s.url);
    const extra = [s.publisher, s.year].filter((x) => x !== null && x !== undefined && x !== '').join(', ');
    const li = el('li');
    if (href) li.append(el('a', { href, title: s.title, target: '_blank', rel: 'noopener noreferrer' }, s.title));
    else li.append(s.title);
    if (extra) li.append(` (${extra})`);
    ul.append(li);
  }
  return ul;
}

/** download saves a blob under a file name through a temporary link. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
