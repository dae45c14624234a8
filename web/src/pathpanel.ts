// pathpanel.ts: the "Find paths" panel (two nodes in view, the paths between
// them read hop by hop, one highlighted in the drawing) and the "In view"
// list, which lists the same nodes as the path pickers.

import * as api from './api';
import type { App } from './app';
import { citeLinks, pathCitation } from './cite';
import { $, button, el, sourceList } from './dom';
import { FULL_LAYOUT_LIMIT } from './graphview';
import { hops, hopText } from './paths';
import { debounce } from './search';
import { addElements, highlightPath, nodeVisible } from './state';
import { lookOf } from './style';

/** MAX_PATH_LENGTH is how many hops a path may have (the paths query's maxLength). */
export const MAX_PATH_LENGTH = 6;

export function mountPathPanel(app: App): void {
  const { view } = app;
  const viewList = $<HTMLSelectElement>('view-list');
  const pathFrom = $<HTMLSelectElement>('path-from');
  const pathTo = $<HTMLSelectElement>('path-to');
  const out = $('path-results');
  // What the lists were last built from: rebuilt only when that changes.
  let listedKey = '';
  let pathKey = '';

  function renderViewList(): void {
    const sorted = [...view.nodes.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    // Filters touch the in-view list's "(hidden)" marks, not the path pickers.
    const key = sorted.map((n) => `${n.id}\u0000${nodeVisible(view, n)}`).join('\u0001');
    if (key !== listedKey) {
      listedKey = key;
      const frag = document.createDocumentFragment();
      for (const n of sorted) {
        frag.append(el('option', { value: n.id }, `${n.name} · ${lookOf(n.kind).label}${nodeVisible(view, n) ? '' : ' (hidden)'}`));
      }
      viewList.replaceChildren(frag);
    }
    const pkey = sorted.map((n) => n.id).join('\u0001');
    if (pkey !== pathKey) {
      pathKey = pkey;
      for (const sel of [pathFrom, pathTo]) {
        const f = document.createDocumentFragment();
        f.append(el('option', { value: '' }, '— choose a node in view —'));
        for (const n of sorted) f.append(el('option', { value: n.id }, n.name));
        sel.replaceChildren(f);
      }
    }
    viewList.value = view.selected ?? '';
    pathFrom.value = view.pathFrom ?? '';
    pathTo.value = view.pathTo ?? '';
    $('view-count').textContent = `(${view.nodes.size})`;
  }

  function setPathEnd(which: 'from' | 'to', id: string): void {
    if (which === 'from') view.pathFrom = id;
    else view.pathTo = id;
    renderViewList();
    app.saveUrl();
    (which === 'from' ? pathTo : $('find-paths')).focus();
  }

  async function findPaths(): Promise<void> {
    const from = view.pathFrom;
    const to = view.pathTo;
    if (!from || !to) {
      out.replaceChildren(el('p', {}, 'Choose two nodes in view: one to start from and one to reach.'));
      return;
    }
    if (from === to) {
      out.replaceChildren(el('p', {}, 'Choose two different nodes.'));
      return;
    }
    const ps = await app.run('Finding paths', () => api.paths(from, to, view.year, MAX_PATH_LENGTH), () => void findPaths());
    if (!ps) return;
    if (ps.length === 0) {
      highlightPath(view);
      app.render();
      out.replaceChildren(el('p', {}, `No path within ${MAX_PATH_LENGTH} hops${view.year !== null ? ` as of ${view.year}` : ''}.`));
      return;
    }
    const before = view.nodes.size;
    for (const p of ps) addElements(view, p.nodes.map(api.toNode), p.relationships.map(api.toEdge));
    const highlight = (i: number) => {
      highlightPath(view, ps[i]);
      app.render();
    };
    const list = el('div');
    ps.forEach((p, i) => {
      let hs;
      try {
        hs = hops(p);
      } catch (err) {
        app.showError(`A path from the server did not fit together: ${(err as Error).message}`);
        return;
      }
      const ol = el('ol');
      for (const h of hs) {
        const li = el('li', {}, el('span', { className: 'hop' }, hopText(h)));
        if (h.rel.summary) li.append(el('span', { className: 'sum' }, h.rel.summary));
        li.append(sourceList(h.rel.sources));
        ol.append(li);
      }
      const sec = el('section', { className: 'path' });
      sec.append(el('h3', {}, `Path ${i + 1}: ${p.length} hop${p.length === 1 ? '' : 's'}`, button('Highlight', () => highlight(i))), ol);
      const nSources = new Set(hs.flatMap((h) => h.rel.sources.map((s) => s.id))).size;
      if (nSources > 0) sec.append(citeLinks(pathCitation(p, view.year), `path-${p.nodes[0].id}-${p.nodes[p.nodes.length - 1].id}-sources`, nSources, 'The sources of the relationships on this path and of its nodes'));
      list.append(sec);
    });
    out.replaceChildren(list);
    out.scrollIntoView({ block: 'nearest' });
    highlight(0);
    if (view.nodes.size > before) app.render({ layout: view.nodes.size <= FULL_LAYOUT_LIMIT });
  }

  const selectFromList = debounce((id: string) => app.select(id), 150);
  viewList.addEventListener('change', () => {
    if (viewList.value) selectFromList(viewList.value);
  });
  viewList.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && viewList.value) {
      selectFromList.cancel();
      app.select(viewList.value);
      $('details').focus();
    }
  });
  pathFrom.addEventListener('change', () => {
    view.pathFrom = pathFrom.value || null;
    app.saveUrl();
  });
  pathTo.addEventListener('change', () => {
    view.pathTo = pathTo.value || null;
    app.saveUrl();
  });
  $('path-form').addEventListener('submit', (e) => {
    e.preventDefault();
    view.pathFrom = pathFrom.value || null;
    view.pathTo = pathTo.value || null;
    void findPaths();
  });

  Object.assign(app, { renderViewList, setPathEnd, findPaths });
}
