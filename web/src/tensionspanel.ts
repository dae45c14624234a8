// tensionspanel.ts: the tensions panel. Small multiples (one chart per
// tension, tensions.ts) of episodes per decade for the chosen movements; a
// click (or Enter) on a bar lists that cell's episodes with their sources.

import type { App } from './app';
import { $, el, sourceList } from './dom';
import * as lensapi from './lensapi';
import { chartSvg, decadeLabel, defaultMovements, findCell, MAX_SERIES, movementTotals, SERIES, shapeChart, type Cell, type Chart, type EpisodeSource } from './tensions';
import { relLabel } from './vocab';

export function mountTensions(app: App): void {
  const { view } = app;
  let cells: Cell[] = [];
  let chosen: string[] = [];
  let chart: Chart | null = null;
  let loadedFor: number | null | undefined;
  /** Sources of the episodes listed so far, by relationship id. */
  const sourced = new Map<string, EpisodeSource[]>();

  const panel = $('tensions-panel');
  const picker = $('tensions-movements');
  const charts = $('tensions-charts');
  const episodes = $('tensions-episodes');

  async function open(): Promise<void> {
    $('compare-panel').hidden = true;
    panel.hidden = false;
    if (loadedFor !== view.year) {
      const c = await app.run('Loading the tensions', () => lensapi.tensionMatrix(view.year), () => void open());
      if (!c) return;
      cells = c;
      loadedFor = view.year;
      chosen = defaultMovements(cells, 3);
      buildPicker();
    }
    render();
    $('tensions-h').focus();
  }

  /** buildPicker lists every movement with episodes, most first, once per load. */
  function buildPicker(): void {
    picker.replaceChildren(
      el('legend', {}, `Movements (up to ${MAX_SERIES})`),
      ...movementTotals(cells).map((t) => {
        const box = el('input', { type: 'checkbox' });
        box.dataset.movement = t.movement.id;
        return el('label', { className: 'check' }, box, el('span', { className: 'swatch' }), ` ${t.movement.name} `, el('span', { className: 'muted' }, String(t.count)));
      }),
    );
  }

  /** render brings the picker's boxes and swatches in line with the chosen movements and redraws the charts. */
  function render(): void {
    for (const box of picker.querySelectorAll<HTMLInputElement>('input[data-movement]')) {
      const i = chosen.indexOf(box.dataset.movement!);
      box.checked = i >= 0;
      box.disabled = i < 0 && chosen.length >= MAX_SERIES;
      const sw = box.nextElementSibling as HTMLElement;
      sw.style.background = i >= 0 ? SERIES[i % SERIES.length] : 'transparent';
    }
    chart = shapeChart(cells, chosen);
    if (cells.length === 0) {
      charts.replaceChildren(el('p', { className: 'muted' }, 'No episodes of any tension in the graph (as of the chosen year).'));
      return;
    }
    charts.replaceChildren(
      ...chart.tensions.map((t) => {
        const fig = el('figure', { className: 'tension' });
        fig.append(el('figcaption', {}, el('strong', {}, t.tension.name), el('span', { className: 'muted small' }, ` ${t.total} episodes`)));
        const holder = el('div');
        holder.innerHTML = chartSvg(chart!, t); // built from escaped strings in tensions.ts
        fig.append(holder);
        return fig;
      }),
    );
  }

  async function showCell(key: string): Promise<void> {
    const cell = chart ? findCell(chart, key) : null;
    if (!cell) return;
    for (const b of charts.querySelectorAll('.bar')) b.classList.toggle('chosen', b.getAttribute('data-cell') === key);
    const missing = cell.episodes.filter((e) => !sourced.has(e.id)).map((e) => e.id);
    if (missing.length > 0) {
      const got = await app.run('Loading the sources of the episodes', () => lensapi.episodeSources(missing), () => void showCell(key));
      if (!got) return;
      for (const id of missing) sourced.set(id, got.get(id) ?? []);
    }
    for (const e of cell.episodes) e.sources = sourced.get(e.id) ?? [];
    const list = el('ol', { className: 'episodes' });
    for (const e of cell.episodes) {
      const li = el('li');
      li.dataset.episode = e.id;
      li.append(
        el('div', {}, el('strong', {}, e.from.name), ` ${relLabel(e.type)} `, el('strong', {}, e.to.name), e.year !== null ? ` (${e.year})` : ''),
      );
      if (e.summary) li.append(el('p', { className: 'small' }, e.summary));
      if (e.sources.length > 0) li.append(sourceList(e.sources));
      else li.append(el('p', { className: 'muted small' }, 'No source recorded.'));
      list.append(li);
    }
    const h = el('h3', { tabIndex: -1 }, `${cell.tension.name} · ${cell.movement.name} · ${decadeLabel(cell.decade)}: ${cell.count} ${cell.count === 1 ? 'episode' : 'episodes'}`);
    episodes.replaceChildren(h, list);
  }

  picker.addEventListener('change', (e) => {
    const box = e.target as HTMLInputElement;
    const id = box.dataset.movement;
    if (!id) return;
    chosen = box.checked ? [...chosen, id] : chosen.filter((m) => m !== id);
    render();
  });
  charts.addEventListener('click', (e) => {
    const bar = (e.target as Element).closest('.bar');
    const key = bar?.getAttribute('data-cell');
    if (key) void showCell(key);
  });
  charts.addEventListener('keydown', (e) => {
    const bar = (e.target as Element).closest('.bar');
    const key = bar?.getAttribute('data-cell');
    if (key && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      void showCell(key);
    }
  });
  $('tensions-open').addEventListener('click', () => void open());
  $('tensions-close').addEventListener('click', () => {
    panel.hidden = true;
    $('tensions-open').focus();
  });
}
