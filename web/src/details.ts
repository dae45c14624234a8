// details.ts: the details panel (a node's properties, actions and sources, or
// a relationship's) and selection, which opens it.

import { disputeSection, statusLabel } from './disputes';
import * as api from './api';
import type { App } from './app';
import { citeLinks, nodeCitation, relCitation } from './cite';
import { $, button, el, safeUrl, sourceList } from './dom';
import { nid } from './graphview';
import { latest } from './search';
import { selectEdge as selectEdgeIn, selectNode } from './state';
import { legendSvg, lookOf } from './style';
import { relLabel } from './vocab';

export function mountDetails(app: App): void {
  const { view, cy } = app;
  const detailsBody = $('details-body');
  const loadDetails = latest(api.nodeDetails);
  const loadRelDetails = latest(api.relationshipDetails);
  /** detailsSeq numbers detail requests so that only the newest one fills the panel. */
  let detailsSeq = 0;

  function clearDetails(): void {
    detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Click a node or a relationship to see its details and sources.'));
  }

  function detailsFailed(what: string, retry: () => void): void {
    detailsBody.replaceChildren(el('p', {}, `The ${what} could not be loaded.`), button('Try again', retry));
  }

  async function showNodeDetails(id: string): Promise<void> {
    const mine = ++detailsSeq;
    detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Loading…'));
    const d = await app.run('Loading details', () => loadDetails(id, view.year), () => void showNodeDetails(id));
    if (mine !== detailsSeq || view.selected !== id) return; // superseded
    if (d === undefined) {
      detailsFailed('details of this node', () => void showNodeDetails(id));
      return;
    }
    if (d === null) {
      detailsBody.replaceChildren(el('p', {}, `No node with id “${id}” exists any more.`));
      return;
    }
    const badge = el('span', { className: 'kind-badge' });
    badge.innerHTML = legendSvg(d.kind);
    badge.append(lookOf(d.kind).label);
    const dl = el('dl');
    dl.append(el('dt', {}, 'Id'), el('dd', {}, d.id));
    for (const [k, v] of d.properties) {
      const dd = el('dd');
      const href = k === 'Web page' ? safeUrl(v) : null;
      if (href) dd.append(el('a', { href, target: '_blank', rel: 'noopener noreferrer', title: d.name }, v));
      else dd.append(v);
      dl.append(el('dt', {}, k), dd);
    }
    dl.append(
      el('dt', {}, 'Relationships'),
      el('dd', {}, `${d.relationshipTotal}${view.year !== null ? ` as of ${view.year}` : ''} (${d.degree} in all)`),
    );

    const pinned = view.pinned.has(id);
    const actions = el('div', { className: 'actions', role: 'group' } as Partial<HTMLDivElement>);
    actions.setAttribute('aria-label', 'Node actions');
    actions.append(
      button('Expand all', () => void app.expand(id, null), { id: 'expand-all' }),
      button('Collapse', () => app.collapse(id), { id: 'collapse' }),
      button(pinned ? 'Unpin' : 'Pin', () => app.togglePin(id), { id: 'pin', 'aria-pressed': String(pinned) }),
      button('Remove', () => app.remove(id), { id: 'remove' }),
      button('Path from here', () => app.setPathEnd('from', id), { id: 'path-from-here' }),
      button('Path to here', () => app.setPathEnd('to', id), { id: 'path-to-here' }),
    );

    const byType = el('div', { className: 'row wrap' });
    if (d.typeCounts.length > 0) {
      const sel = el('select', { id: 'expand-type' });
      for (const [t, n] of d.typeCounts) sel.append(el('option', { value: t }, `${relLabel(t)} (${n})`));
      byType.append(
        el('label', { htmlFor: 'expand-type' }, 'Expand by type'),
        sel,
        button('Expand', () => void app.expand(id, [sel.value]), { id: 'expand-by-type' }),
      );
    }

    detailsBody.replaceChildren(
      el('h3', {}, d.name),
      badge,
      ...(d.summary ? [el('p', {}, d.summary)] : []),
      dl,
      actions,
      byType,
      el('h4', {}, `Sources (${d.sources.length})`),
      sourceList(d.sources),
      ...(d.sources.length > 0 ? [citeLinks(nodeCitation(d.id), `${d.id}-sources`, d.sources.length)] : []),
    );
  }

  async function showEdgeDetails(id: string): Promise<void> {
    const mine = ++detailsSeq;
    detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Loading…'));
    const r = await app.run('Loading relationship', () => loadRelDetails(id), () => void showEdgeDetails(id));
    if (mine !== detailsSeq || view.selectedEdge !== id) return; // superseded
    if (r === undefined) {
      detailsFailed('relationship', () => void showEdgeDetails(id));
      return;
    }
    if (r === null) {
      detailsBody.replaceChildren(el('p', {}, `No relationship with id “${id}” exists any more.`));
      return;
    }
    const from = button(r.from.name, () => select(r.from.id));
    const to = button(r.to.name, () => select(r.to.id));
    const dl = el('dl');
    dl.append(el('dt', {}, 'Type'), el('dd', {}, relLabel(r.type)));
    if (r.year !== null) dl.append(el('dt', {}, 'Year'), el('dd', {}, String(r.year)));
    if (r.tensions.length > 0) dl.append(el('dt', {}, 'Tensions'), el('dd', {}, r.tensions.map((t) => t.name).join(', ')));
    dl.append(el('dt', {}, 'Status'), el('dd', { id: 'rel-status' }, statusLabel(r.status)));
    detailsBody.replaceChildren(
      el('h3', {}, 'Relationship'),
      el('p', {}, from, ` —${relLabel(r.type)}→ `, to),
      ...(r.summary ? [el('p', {}, r.summary)] : []),
      dl,
      el('h4', {}, `Sources (${r.sources.length})`),
      sourceList(r.sources),
      ...(r.sources.length > 0 ? [citeLinks(relCitation(r), `${r.from.id}-${r.type}-${r.to.id}-sources`, r.sources.length, 'The sources of this relationship and of its two ends')] : []),
      disputeSection(r.disputes),
    );
  }

  /** select makes a node the selected one and opens its details (null: none). */
  function select(id: string | null): void {
    const sel = selectNode(view, id);
    app.render();
    if (sel === null) {
      clearDetails();
      return;
    }
    const n = cy.getElementById(nid(sel));
    if (n.nonempty() && n.visible() && cy.nodes(':visible').length > 1) {
      const bb = cy.extent();
      const p = n.position();
      if (p.x < bb.x1 || p.x > bb.x2 || p.y < bb.y1 || p.y > bb.y2) cy.center(n);
    }
    void showNodeDetails(sel);
  }

  /** selectEdge makes a relationship the selected one and opens its details. */
  function selectEdge(id: string): void {
    selectEdgeIn(view, id);
    app.render();
    void showEdgeDetails(id);
  }

  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
    if (e.key === 'Escape' && !typing && (view.selected !== null || view.selectedEdge !== null)) select(null);
  });

  Object.assign(app, { select, selectEdge, showNodeDetails, clearDetails });
}
