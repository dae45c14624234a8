// lenspanel.ts: the lens in the drawing. "Analyse view" asks the API for the
// metrics and communities of the nodes in view; "Overview" loads the whole
// graph, analyses it and lays each community out as one cluster. Nodes are
// then sized by the chosen metric and coloured by community (with a legend),
// and only the most central keep their label (the rest show on hover).
// applyLens() runs after every draw (main.ts render()), so nodes added later
// keep the default look until the view is analysed again.

import type cytoscape from 'cytoscape';
import * as api from './api';
import type { App } from './app';
import { $, el } from './dom';
import type { Analysis } from './lensapi';
import * as lensapi from './lensapi';
import { clusterLayout, communityColours, formatMetric, isMetric, labelled, legend, METRICS, nodeSizes, type MetricName } from './lens';
import { addElements } from './state';
import { cyStyle } from './style';

/** LABELS is how many of the most central nodes keep their label in a large view. */
const LABELS = 12;
/** QUIET_ABOVE: views with more nodes than this show labels only for the most central (and on hover). */
const QUIET_ABOVE = 60;
/** PLAIN_EDGES_ABOVE: views with more nodes than this draw relationships as thin straight lines without arrows (the renderers' fast path). */
const PLAIN_EDGES_ABOVE = 1500;

/** lensStyle adds the lens's classes to the Cytoscape stylesheet. */
export function lensStyle(): unknown[] {
  return [
    { selector: 'node.lens-sized', style: { width: 'data(lensSize)', height: 'data(lensSize)' } },
    { selector: 'node.lens-coloured', style: { 'background-color': 'data(lensColour)' } },
    { selector: 'node.lens-quiet', style: { label: '' } },
    {
      selector: 'node.lens-quiet.hover, node.lens-quiet.selected, node.lens-quiet.path, node.lens-label',
      style: { label: 'data(name)', 'z-index': 20, 'font-weight': 'bold' },
    },
    { selector: 'edge.lens-plain', style: { 'curve-style': 'haystack', 'haystack-radius': 0, 'target-arrow-shape': 'none', width: 0.6, opacity: 0.45 } },
    // In a large view the few labels left are drawn large enough to read when the whole graph is fitted.
    { selector: 'node.lens-label', style: { 'font-size': 26, 'text-max-width': '260px', 'min-zoomed-font-size': 5 } },
  ];
}

interface LensState {
  analysis: Analysis | null;
  /** What was analysed: 'view' or 'overview' (the whole graph). */
  scope: 'view' | 'overview' | null;
  metric: MetricName | null;
  colour: boolean;
}

export function mountLens(app: App): void {
  const { cy, view } = app;
  const st: LensState = { analysis: null, scope: null, metric: 'pageRank', colour: true };
  cy.style().fromJson([...cyStyle(), ...lensStyle()] as cytoscape.StylesheetJson).update();

  const metricSel = $<HTMLSelectElement>('lens-metric');
  metricSel.replaceChildren(el('option', { value: '' }, 'Kind (no metric)'), ...METRICS.map((m) => el('option', { value: m.name }, m.label)));
  metricSel.value = st.metric ?? '';
  const colourBox = $<HTMLInputElement>('lens-colour');
  colourBox.checked = st.colour;

  metricSel.addEventListener('change', () => {
    st.metric = isMetric(metricSel.value) ? metricSel.value : null;
    applyLens();
  });
  colourBox.addEventListener('change', () => {
    st.colour = colourBox.checked;
    applyLens();
  });

  cy.on('mouseover', 'node', (e) => (e.target as cytoscape.NodeSingular).addClass('hover'));
  cy.on('mouseout', 'node', (e) => (e.target as cytoscape.NodeSingular).removeClass('hover'));

  async function analyseView(): Promise<void> {
    const ids = [...view.nodes.keys()];
    if (ids.length === 0) {
      app.showError('Nothing in view to analyse: add nodes first, or open the overview of the whole graph.');
      return;
    }
    const a = await app.run('Analysing the view', () => lensapi.analysis(ids, view.year), () => void analyseView());
    if (!a) return;
    st.analysis = a;
    st.scope = 'view';
    applyLens();
    $('lens-legend').scrollIntoView({ block: 'nearest' });
  }

  async function overview(): Promise<void> {
    const r = await app.run(
      'Loading and analysing the whole graph',
      () => Promise.all([api.subgraph(null, view.year), lensapi.analysis(null, view.year)]),
      () => void overview(),
    );
    if (!r) return;
    const [g, a] = r;
    addElements(view, g.nodes, g.edges);
    st.analysis = a;
    st.scope = 'overview';
    app.render();
    placeClusters();
    $('lens-legend').scrollIntoView({ block: 'nearest' });
  }

  /** placeClusters puts each community together (lens.ts clusterLayout) and fits the drawing. */
  function placeClusters(): void {
    const a = st.analysis;
    if (!a) return;
    const pos = clusterLayout(a.nodes, st.metric ?? 'pageRank');
    cy.batch(() => {
      cy.nodes().forEach((n) => {
        const p = pos.get(n.data('ref') as string);
        if (p && !n.locked()) n.position(p);
      });
    });
    cy.fit(cy.elements().not('.hidden'), 30);
  }

  /** applyLens sets sizes, colours and labels from the last analysis on the nodes drawn now, and the legend. */
  function applyLens(): void {
    const a = st.analysis;
    const metrics = new Map((a?.nodes ?? []).map((m) => [m.id, m]));
    const sizes = a && st.metric ? nodeSizes(a.nodes, st.metric) : new Map<string, number>();
    const colours = a ? communityColours(a.communities) : new Map<string, string>();
    const quiet = a !== null && view.nodes.size > QUIET_ABOVE;
    const keep = a && quiet ? labelled(a.nodes, st.metric ?? 'pageRank', LABELS, a.communities) : new Set<string>();
    const plain = view.nodes.size > PLAIN_EDGES_ABOVE;
    cy.batch(() => {
      cy.edges().toggleClass('lens-plain', plain);
      cy.nodes().forEach((n) => {
        const ref = n.data('ref') as string;
        const m = metrics.get(ref);
        const size = sizes.get(ref);
        n.toggleClass('lens-sized', m !== undefined && size !== undefined);
        if (size !== undefined) n.data('lensSize', size);
        const colour = m?.community != null ? colours.get(m.community) : undefined;
        n.toggleClass('lens-coloured', st.colour && colour !== undefined);
        if (colour !== undefined) n.data('lensColour', colour);
        n.toggleClass('lens-quiet', quiet && m !== undefined && !keep.has(ref));
        n.toggleClass('lens-label', quiet && keep.has(ref));
      });
    });
    renderLegend();
  }

  function renderLegend(): void {
    const a = st.analysis;
    const box = $('lens-legend');
    if (!a) {
      box.replaceChildren(el('p', { className: 'muted small' }, 'Analyse the view (or open the overview) to size nodes by a metric and colour them by community.'));
      return;
    }
    const analysed = new Set(a.nodes.map((m) => m.id));
    const missing = [...view.nodes.keys()].filter((id) => !analysed.has(id)).length;
    const head = el(
      'p',
      { className: 'small' },
      `${st.scope === 'overview' ? 'Whole graph' : 'This view'}: ${a.nodeCount} nodes, ${a.communities.length} communities, modularity ${a.modularity.toFixed(3)}`,
    );
    const parts: Node[] = [head];
    if (missing > 0) parts.push(el('p', { className: 'muted small' }, `${missing} nodes added since: analyse again to include them.`));
    if (st.colour) {
      const ul = el('ul', { className: 'lens-legend', ariaLabel: 'Communities' });
      for (const e of legend(a.communities)) {
        const sw = el('span', { className: 'swatch' });
        sw.style.background = e.colour;
        ul.append(el('li', {}, sw, el('span', { className: 'name', title: e.label }, e.label), el('span', { className: 'muted' }, ` ${e.size}`)));
      }
      parts.push(ul);
    }
    if (st.metric) {
      parts.push(el('p', { className: 'muted small' }, `Size: ${METRICS.find((m) => m.name === st.metric)!.label} (area grows with the value).`));
    }
    const sel = view.selected !== null ? a.nodes.find((m) => m.id === view.selected) : undefined;
    if (sel) {
      const name = view.nodes.get(sel.id)?.name ?? sel.id;
      const community = a.communities.find((c) => c.id === sel.community);
      const dl = el('dl', { className: 'lens-node' });
      for (const m of METRICS) dl.append(el('dt', {}, m.label), el('dd', {}, formatMetric(m.name, sel[m.name])));
      if (community) dl.append(el('dt', {}, 'Community'), el('dd', {}, community.label));
      parts.push(el('h3', {}, `Figures of ${name}`), dl);
    }
    if (a.brokers.length > 0) {
      const ol = el('ol', { className: 'lens-brokers' });
      for (const b of a.brokers.slice(0, 5)) {
        const btn = el('button', { type: 'button', className: 'link' }, b.node.name);
        btn.addEventListener('click', () => {
          if (view.nodes.has(b.node.id)) app.select(b.node.id);
          else void app.addNode(b.node.id);
        });
        ol.append(el('li', {}, btn, el('span', { className: 'muted small' }, ` ${formatMetric('brokerage', b.brokerage)}`)));
      }
      parts.push(el('h3', {}, 'Organisations brokering between movements and institutions'), ol);
    }
    box.replaceChildren(...parts);
  }

  $('lens-analyse').addEventListener('click', () => void analyseView());
  $('lens-overview').addEventListener('click', () => void overview());
  $('lens-cluster').addEventListener('click', placeClusters);
  renderLegend();

  Object.assign(app, { applyLens, analyseView, overview });
}
