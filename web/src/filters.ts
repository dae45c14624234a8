// filters.ts: the view's filters: node kinds (which double as the legend),
// relationship types, the year slider (which also re-reads the view's
// relationships as of that year) and the layout picker.

import * as api from './api';
import type { App } from './app';
import { $, el } from './dom';
import { debounce } from './search';
import { addElements, counts, isLayout, replaceEdgesAmong, setHidden } from './state';
import { legendSvg, lookOf } from './style';
import { KINDS, REL_TYPES, relLabel, withUnknown } from './vocab';

/**
 * syncRows makes `box` hold one checkbox row per name, in order, adding the
 * missing ones (a kind or type first seen from the server is added when it
 * turns up), and sets each row's tick and count.
 */
function syncRows(
  box: HTMLElement,
  attr: 'kind' | 'type',
  names: readonly string[],
  hidden: ReadonlySet<string>,
  count: ReadonlyMap<string, number>,
  make: (name: string) => HTMLLabelElement,
): void {
  const rows = new Map<string, HTMLLabelElement>();
  for (const label of box.querySelectorAll('label')) rows.set(label.querySelector('input')!.dataset[attr]!, label);
  for (const name of names) {
    let label = rows.get(name);
    if (!label) {
      label = make(name);
      box.append(label);
    }
    const input = label.querySelector('input')!;
    input.checked = !hidden.has(name);
    const n = count.get(name) ?? 0;
    label.querySelector('.n')!.textContent = String(n);
    label.classList.toggle('zero', n === 0);
  }
}

function row(attr: 'kind' | 'type', name: string, text: string, icon?: string): HTMLLabelElement {
  const input = el('input', { type: 'checkbox', checked: true });
  input.dataset[attr] = name;
  const label = el('label', {}, input, ' ');
  if (icon !== undefined) {
    const span = el('span');
    span.innerHTML = icon;
    label.append(span.firstElementChild ?? '', ' ');
  }
  label.append(el('span', {}, text), el('span', { className: 'n' }));
  return label;
}

export function mountFilters(app: App): void {
  const { view } = app;
  const kindsBox = $('kinds');
  const typesBox = $('types');
  const yearInput = $<HTMLInputElement>('year');
  const allYears = $<HTMLInputElement>('all-years');
  const yearOut = $<HTMLOutputElement>('year-out');
  const layoutSelect = $<HTMLSelectElement>('layout');

  function renderFilters(): void {
    const c = counts(view);
    syncRows(kindsBox, 'kind', withUnknown(KINDS, c.kinds.keys()), view.hiddenKinds, c.kinds, (k) =>
      row('kind', k, lookOf(k).label, legendSvg(k)),
    );
    syncRows(typesBox, 'type', withUnknown(REL_TYPES, c.types.keys()), view.hiddenTypes, c.types, (t) => row('type', t, relLabel(t)));
    layoutSelect.value = view.layout;
  }

  kindsBox.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const k = input.dataset.kind;
    if (!k) return;
    setHidden(view.hiddenKinds, k, !input.checked);
    app.render();
  });
  typesBox.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const t = input.dataset.type;
    if (!t) return;
    setHidden(view.hiddenTypes, t, !input.checked);
    app.render();
  });

  function renderYear(): void {
    const { min, max } = view.yearBounds;
    allYears.checked = view.year === null;
    yearInput.disabled = view.year === null;
    yearInput.min = String(min);
    yearInput.max = String(max);
    // With all years shown the slider keeps where it was, to come back to.
    if (view.year !== null) yearInput.value = String(view.year);
    yearOut.textContent = view.year === null ? 'all years' : String(view.year);
    yearInput.setAttribute('aria-valuetext', view.year === null ? 'all years' : String(view.year));
  }

  /** requery fetches the view's relationships again for the current year. */
  async function requery(): Promise<void> {
    const ids = [...view.nodes.keys()];
    if (ids.length === 0) return;
    const year = view.year;
    const r = await app.run('Updating for the year', () => api.subgraph(ids, year), () => void requery());
    if (!r || view.year !== year) return;
    addElements(view, r.nodes, []);
    replaceEdgesAmong(view, ids, r.edges);
    app.render();
    if (view.selected !== null) void app.showNodeDetails(view.selected);
    // Paths on show were found for the old year: find them again.
    if (view.pathFrom !== null && view.pathTo !== null && $('path-results').childElementCount > 0) void app.findPaths();
  }
  const requeryLater = debounce(() => void requery(), 300);

  yearInput.addEventListener('input', () => {
    view.year = Number(yearInput.value);
    renderYear();
    app.render();
    requeryLater();
  });
  allYears.addEventListener('change', () => {
    view.year = allYears.checked ? null : Number(yearInput.value);
    renderYear();
    app.render();
    requeryLater();
  });

  layoutSelect.addEventListener('change', () => {
    if (isLayout(layoutSelect.value)) view.layout = layoutSelect.value;
    app.saveUrl();
    app.runLayout(true);
  });
  $('relayout').addEventListener('click', () => app.runLayout(true));

  Object.assign(app, { renderFilters, renderYear, requery });
}
