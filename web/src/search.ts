// search.ts: the logic behind search-as-you-type, kept apart from the DOM.

/** debounce delays fn until `ms` have passed without another call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const d = (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
  d.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return d;
}

/**
 * latest wraps an async function so that only the answer to the most recent
 * call is delivered; answers to older calls resolve to undefined. Typing fast
 * must not let a slow, stale answer overwrite a fresh one.
 */
export function latest<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R | undefined> {
  let seq = 0;
  return async (...args: A) => {
    const mine = ++seq;
    const r = await fn(...args);
    return mine === seq ? r : undefined;
  };
}

/**
 * moveActive moves the highlighted option of a listbox: ArrowDown/ArrowUp wrap,
 * Home/End jump; -1 means none is active. Returns null for other keys.
 */
export function moveActive(current: number, key: string, length: number): number | null {
  if (length === 0) return -1;
  switch (key) {
    case 'ArrowDown':
      return current < 0 || current >= length - 1 ? 0 : current + 1;
    case 'ArrowUp':
      return current <= 0 ? length - 1 : current - 1;
    case 'Home':
      return 0;
    case 'End':
      return length - 1;
    default:
      return null;
  }
}

/** normaliseQuery trims and collapses spaces; queries shorter than 2 characters are not sent. */
export function normaliseQuery(text: string): string | null {
  const q = text.trim().replace(/\s+/g, ' ');
  return q.length < 2 ? null : q;
}

/** Rankable is a search hit as rankHits needs it. */
export interface Rankable {
  node: { name: string; aliases?: readonly string[] };
}

function fold(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * matchTier says how well a name answers a query: 3 when the name (or the
 * part before a parenthesis, as in "ACT UP (AIDS Coalition…)") or an alias
 * is the query, 2 when the name starts with it, 1 otherwise.
 */
export function matchTier(query: string, node: Rankable['node']): number {
  const q = fold(query);
  const name = fold(node.name);
  const short = fold(node.name.replace(/\s*\(.*\)\s*$/, ''));
  if (name === q || short === q || (node.aliases ?? []).some((a) => fold(a) === q)) return 3;
  if (name.startsWith(q)) return 2;
  return 1;
}

/**
 * rankHits puts the hits whose name is the query first, then those that
 * start with it, keeping the server's relevance order within each tier: a
 * person typing a name expects that thing first, not the events about it.
 */
export function rankHits<T extends Rankable>(query: string, hits: readonly T[]): T[] {
  return hits
    .map((h, i) => ({ h, i, t: matchTier(query, h.node) }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map((x) => x.h);
}
