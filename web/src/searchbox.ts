// searchbox.ts: search as you type, as an ARIA combobox: a debounced query,
// stale answers dropped, results picked with the mouse or the keyboard. The
// logic it relies on (debounce, ranking, listbox keys) is in search.ts.

import * as api from './api';
import type { App } from './app';
import { $, el } from './dom';
import { describe } from './errors';
import { debounce, moveActive, normaliseQuery } from './search';
import { legendSvg, lookOf } from './style';

export function mountSearchBox(app: App): void {
  const q = $<HTMLInputElement>('q');
  const results = $<HTMLUListElement>('results');
  let hits: api.SearchResult[] = [];
  let active = -1;
  let searchAbort: AbortController | null = null;

  function closeResults(): void {
    results.hidden = true;
    q.setAttribute('aria-expanded', 'false');
    q.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function renderResults(message?: string): void {
    results.replaceChildren();
    if (message) results.append(el('li', { className: 'none', role: 'presentation' } as Partial<HTMLLIElement>, message));
    hits.forEach((h, i) => {
      const li = el('li', { id: `result-${i}`, role: 'option' } as Partial<HTMLLIElement>);
      li.setAttribute('aria-selected', String(i === active));
      li.dataset.id = h.node.id;
      const icon = el('span');
      icon.innerHTML = legendSvg(h.node.kind);
      const kind = lookOf(h.node.kind).label + (h.node.year !== null ? `, ${h.node.year}` : '');
      const text = el('span', {}, h.node.name, ' ', el('span', { className: 'kind' }, kind));
      if (h.node.summary) text.append(el('span', { className: 'sum' }, h.node.summary));
      li.append(icon, text);
      li.addEventListener('mousedown', (e) => e.preventDefault());
      li.addEventListener('click', () => pick(i));
      results.append(li);
    });
    results.hidden = false;
    q.setAttribute('aria-expanded', 'true');
    if (active >= 0) {
      q.setAttribute('aria-activedescendant', `result-${active}`);
      document.getElementById(`result-${active}`)?.scrollIntoView({ block: 'nearest' });
    } else {
      q.removeAttribute('aria-activedescendant');
    }
  }

  function pick(i: number): void {
    const h = hits[i];
    if (!h) return;
    closeResults();
    q.value = h.node.name;
    void app.addNode(h.node.id);
  }

  const doSearch = debounce(async (text: string) => {
    const query = normaliseQuery(text);
    searchAbort?.abort();
    if (query === null) {
      hits = [];
      closeResults();
      return;
    }
    const ctl = new AbortController();
    searchAbort = ctl;
    try {
      const r = await api.search(query, ctl.signal);
      if (ctl.signal.aborted) return;
      hits = r;
      active = hits.length > 0 ? 0 : -1;
      renderResults(hits.length === 0 ? `No matches for “${query}”.` : undefined);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      hits = [];
      closeResults();
      app.showError(`Search failed. ${describe(err)}`, () => doSearch(q.value));
    }
  }, 200);

  q.addEventListener('input', () => doSearch(q.value));
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (!results.hidden) {
        closeResults();
        e.preventDefault();
      }
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      if (!results.hidden && active >= 0) pick(active);
      return;
    }
    if (results.hidden && e.key === 'ArrowDown' && hits.length > 0) {
      active = 0;
      renderResults();
      e.preventDefault();
      return;
    }
    if (results.hidden) return;
    const next = moveActive(active, e.key, hits.length);
    if (next === null) return;
    e.preventDefault();
    active = next;
    renderResults();
  });
  q.addEventListener('blur', () => setTimeout(closeResults, 150));

  // "/" anywhere but in a field jumps to search.
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
    if (e.key === '/' && !typing) {
      e.preventDefault();
      q.focus();
      q.select();
    }
  });
}
