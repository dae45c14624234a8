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
