// comparepanel.ts: the compare view. Two movements side by side: what
// institutions and organisations they share, their tension profiles (one row
// per tension, a bar per movement on one scale) and their timelines by decade.

import type { App } from './app';
import { barWidth, otherEnd, tensionRows, timelineRows, type Comparison, type Profile } from './compare';
import { $, el } from './dom';
import * as lensapi from './lensapi';
import { SERIES } from './tensions';
import { relLabel } from './vocab';

export function mountCompare(app: App): void {
  const { view } = app;
  const panel = $('compare-panel');
  const selA = $<HTMLSelectElement>('compare-a');
  const selB = $<HTMLSelectElement>('compare-b');
  const out = $('compare-out');
  let loaded = false;

  async function open(): Promise<void> {
    $('tensions-panel').hidden = true;
    panel.hidden = false;
    if (!loaded) {
      const ms = await app.run('Loading the movements', () => lensapi.movements(), () => void open());
      if (!ms) return;
      loaded = true;
      const opts = () => ms.map((m) => el('option', { value: m.id }, m.name));
      selA.replaceChildren(...opts());
      selB.replaceChildren(...opts());
      if (ms.length > 1) selB.value = ms[1].id;
    }
    $('compare-h').focus();
  }

  async function compare(): Promise<void> {
    if (selA.value === selB.value) {
      app.showError('Pick two different movements to compare.');
      return;
    }
    const c = await app.run('Comparing the movements', () => lensapi.compareMovements(selA.value, selB.value, view.year), () => void compare());
    if (c) render(c);
  }

  function nodeList(title: string, items: { id: string; name: string }[]): HTMLElement {
    const sec = el('section', {}, el('h3', {}, `${title} (${items.length})`));
    if (items.length === 0) {
      sec.append(el('p', { className: 'muted small' }, 'None.'));
      return sec;
    }
    const ul = el('ul', { className: 'shared' });
    for (const n of items) {
      const b = el('button', { type: 'button', className: 'link' }, n.name);
      b.addEventListener('click', () => void app.addNode(n.id));
      ul.append(el('li', {}, b));
    }
    sec.append(ul);
    return sec;
  }

  function render(c: Comparison): void {
    const rows = tensionRows(c);
    const head = (p: Profile, i: number) => {
      const sw = el('span', { className: 'swatch' });
      sw.style.background = SERIES[i];
      return el('th', { scope: 'col' }, sw, ` ${p.movement.name}`, el('span', { className: 'muted small' }, ` (${p.members.length} members)`));
    };
    const tbl = el('table', { className: 'profile' });
    tbl.append(el('caption', {}, 'Tension profiles: episodes of each tension'), el('tr', {}, el('th', { scope: 'col' }, 'Tension'), head(c.a, 0), head(c.b, 1)));
    for (const r of rows) {
      const cell = (n: number, i: number) => {
        const bar = el('span', { className: 'hbar' });
        bar.style.width = `${barWidth(n, rows)}%`;
        bar.style.background = SERIES[i];
        return el('td', {}, bar, ` ${n}`);
      };
      tbl.append(el('tr', {}, el('th', { scope: 'row' }, r.tension.name), cell(r.a, 0), cell(r.b, 1)));
    }
    if (rows.length === 0) tbl.append(el('tr', {}, el('td', { colSpan: 3, className: 'muted' }, 'Neither movement has an episode of a tension.')));

    const tl = el('table', { className: 'timeline' });
    tl.append(el('caption', {}, 'Timelines (dated relationships of each movement and its members)'), el('tr', {}, el('th', { scope: 'col' }, 'Decade'), head(c.a, 0), head(c.b, 1)));
    for (const r of timelineRows(c)) {
      const items = (list: typeof r.a, p: Profile) => {
        const ul = el('ul');
        for (const it of list) {
          const other = otherEnd(it, p.movement.id);
          ul.append(el('li', {}, el('span', { className: 'muted' }, `${it.year} `), `${relLabel(it.type)} ${other.name}`));
        }
        return el('td', {}, ul);
      };
      tl.append(el('tr', {}, el('th', { scope: 'row' }, `${r.decade}s`), items(r.a, c.a), items(r.b, c.b)));
    }
    out.replaceChildren(
      el('div', { className: 'shared-grid' }, nodeList('Shared institutions', c.sharedInstitutions), nodeList('Shared organisations', c.sharedOrganisations)),
      tbl,
      tl,
    );
  }

  $('compare-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void compare();
  });
  $('compare-open').addEventListener('click', () => void open());
  $('compare-close').addEventListener('click', () => {
    panel.hidden = true;
    $('compare-open').focus();
  });
}
