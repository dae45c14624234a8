// main.ts: wires the view model (state.ts), the URL (url.ts) and the API
// (api.ts) to the DOM and to Cytoscape. Every change goes: update `view`,
// then render() once, which brings the drawing in line in a single batch.

import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import './app.css';
import * as api from './api';
import { ApiError } from './api';
import { hops, hopText } from './paths';
import { debounce, latest, moveActive, normaliseQuery } from './search';
import {
  KINDS,
  REL_TYPES,
  addElements,
  collapse,
  counts,
  emptyView,
  existsAsOf,
  exportUrl,
  gephiLiteUrl,
  isLayout,
  neighbours,
  nodeVisible,
  removeNodes,
  replaceEdgesAmong,
  setHidden,
  togglePin,
  visible,
  type ExportFormat,
  type GNode,
  type LayoutName,
  type RelType,
} from './state';
import { LOOK, cyStyle, legendSvg } from './style';
import { applyToView, decode, encode, fromView } from './url';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

const view = emptyView();
/** Ids of the relationships of the path on show, highlighted in the drawing. */
let pathHighlight = { nodes: new Set<string>(), edges: new Set<string>() };
/** The selected relationship (details panel shows it), if any. */
let selectedEdge: string | null = null;
let yearBounds = { min: 1900, max: new Date().getFullYear() };

// ---------------------------------------------------------------- errors

const alertBox = $('alert');
let retryAction: (() => void) | null = null;

function showError(message: string, retry?: () => void): void {
  $('alert-text').textContent = message;
  retryAction = retry ?? null;
  $('alert-retry').hidden = retry === undefined;
  alertBox.hidden = false;
}

function clearError(): void {
  alertBox.hidden = true;
  $('alert-text').textContent = '';
}

$('alert-close').addEventListener('click', clearError);
$('alert-retry').addEventListener('click', () => {
  const r = retryAction;
  clearError();
  r?.();
});

function describe(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'EUNAVAILABLE' || err.code === 'HTTP502' || err.code === 'HTTP503' || err.code === 'HTTP504') {
      return `The graph service is not available right now. ${err.message}`;
    }
    return `The query failed: ${err.message}`;
  }
  return `Something went wrong: ${(err as Error)?.message ?? String(err)}`;
}

let busyCount = 0;
/** run wraps a user action: shows progress, reports failure in the alert, never throws. */
async function run<T>(label: string, fn: () => Promise<T>, retry?: () => void): Promise<T | undefined> {
  busyCount++;
  document.body.dataset.busy = 'true';
  setStatus(`${label}…`);
  try {
    const r = await fn();
    return r;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return undefined;
    console.error(label, err);
    showError(`${label} failed. ${describe(err)}`, retry);
    return undefined;
  } finally {
    busyCount--;
    if (busyCount === 0) {
      document.body.dataset.busy = 'false';
      setStatus();
    }
  }
}

window.addEventListener('error', (e) => showError(`Something went wrong in the page: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => showError(describe(e.reason)));

// ---------------------------------------------------------------- graph

// fCoSE (fast compound spring embedder) is the force-directed layout: it lays
// out 1,000 nodes in a second or two where Cytoscape's built-in cose takes ~20 s.
cytoscape.use(fcose);

const cy = cytoscape({
  container: $('cy'),
  style: cyStyle() as cytoscape.StylesheetJson,
  minZoom: 0.05,
  maxZoom: 4,
  boxSelectionEnabled: false,
  selectionType: 'single',
});

const nid = (id: string) => `n:${id}`;
const eid = (id: string) => `e:${id}`;

let statusNote = '';
function setStatus(busy?: string): void {
  const v = visible(view);
  const base = `${v.nodes.length} nodes, ${v.edges.length} relationships shown` +
    (view.nodes.size > v.nodes.length ? ` (${view.nodes.size - v.nodes.length} hidden by filters)` : '') +
    (view.year !== null ? ` · as of ${view.year}` : '');
  $('status').textContent = busy ?? (statusNote ? `${base} · ${statusNote}` : base);
}

/** layoutOptions picks settings that stay quick for large views. */
function layoutOptions(name: LayoutName, count: number, randomize: boolean): cytoscape.LayoutOptions {
  const animate = count <= 150;
  const common = { name, animate, animationDuration: 300, fit: true, padding: 30 };
  switch (name) {
    case 'cose': {
      // Pinned nodes stay where the user left them.
      const fixed = view.pinned.size === 0 ? undefined : cy
        .nodes()
        .filter((n) => view.pinned.has(n.data('ref') as string) && !n.hasClass('hidden'))
        .map((n) => ({ nodeId: n.id(), position: { ...(n as cytoscape.NodeSingular).position() } }));
      return {
        ...common,
        name: 'fcose',
        animate: animate ? 'end' : false,
        randomize,
        // 'draft' (spectral only) is kept for very large views, where 'default' takes too long.
        quality: count > 1500 ? 'draft' : 'default',
        nodeDimensionsIncludeLabels: count <= 200,
        nodeRepulsion: () => 6500,
        idealEdgeLength: () => 70,
        packComponents: true,
        fixedNodeConstraint: fixed && fixed.length > 0 ? fixed : undefined,
      } as unknown as cytoscape.LayoutOptions;
    }
    case 'breadthfirst':
      return {
        ...common,
        name: 'breadthfirst',
        directed: false,
        spacingFactor: 1.1,
        roots: view.selected !== null && cy.getElementById(nid(view.selected)).nonempty() ? `#${CSS.escape(nid(view.selected))}` : undefined,
      } as cytoscape.LayoutOptions;
    case 'concentric':
      return { ...common, name: 'concentric', minNodeSpacing: 20, concentric: (n: cytoscape.NodeSingular) => n.degree(false) } as cytoscape.LayoutOptions;
    case 'circle':
      return { ...common, name: 'circle' } as cytoscape.LayoutOptions;
  }
}

/** MAX_FIT_ZOOM caps the zoom that fitting a small view may choose. */
const MAX_FIT_ZOOM = 1.4;
let layoutsRunning = 0;
function runLayout(randomize = false): void {
  const els = cy.elements().not('.hidden');
  if (els.nodes().length === 0) return;
  const layout = els.layout(layoutOptions(view.layout, els.nodes().length, randomize));
  // data-layout lets tests (and styles) know when nodes have come to rest.
  layoutsRunning++;
  document.body.dataset.layout = 'running';
  layout.one('layoutstop', () => {
    // A handful of nodes should not be blown up to fill the screen.
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center(els);
    }
    layoutsRunning--;
    if (layoutsRunning === 0) document.body.dataset.layout = 'idle';
  });
  layout.run();
}

/** FULL_LAYOUT_LIMIT: above this many nodes a change places new nodes locally instead of re-laying out all. */
const FULL_LAYOUT_LIMIT = 300;

/**
 * render brings Cytoscape in line with `view` in one batch: removes what is
 * gone, adds what is new (placed around `anchor`), sets classes for filters,
 * pins, selection and the highlighted path, then lays out once if asked.
 */
function render(opts: { anchor?: string; layout?: boolean; randomize?: boolean } = {}): void {
  const vis = visible(view);
  const visNodes = new Set(vis.nodes);
  const visEdges = new Set(vis.edges);
  const added: cytoscape.ElementDefinition[] = [];
  let anchorPos = { x: cy.width() / 2, y: cy.height() / 2 };
  if (opts.anchor) {
    const a = cy.getElementById(nid(opts.anchor));
    if (a.nonempty()) anchorPos = { ...a.position() };
  } else if (cy.nodes().nonempty()) {
    const bb = cy.nodes().boundingBox();
    anchorPos = { x: (bb.x1 + bb.x2) / 2, y: (bb.y1 + bb.y2) / 2 };
  }
  let newNodes = 0;
  cy.batch(() => {
    const stale = cy.elements().filter((el) => {
      const ref = el.data('ref') as string;
      return el.isNode() ? !view.nodes.has(ref) : !view.edges.has(ref);
    });
    cy.remove(stale);
    const fresh: GNode[] = [];
    for (const n of view.nodes.values()) if (cy.getElementById(nid(n.id)).empty()) fresh.push(n);
    const ring = 60 + fresh.length * 4;
    fresh.forEach((n, i) => {
      const a = (2 * Math.PI * i) / Math.max(1, fresh.length);
      added.push({
        group: 'nodes',
        data: { id: nid(n.id), ref: n.id, kind: n.kind, name: n.name },
        position: { x: anchorPos.x + ring * Math.cos(a), y: anchorPos.y + ring * Math.sin(a) },
      });
    });
    newNodes = fresh.length;
    if (added.length > 0) cy.add(added);
    const edgeDefs: cytoscape.ElementDefinition[] = [];
    for (const e of view.edges.values()) {
      if (cy.getElementById(eid(e.id)).nonempty()) continue;
      edgeDefs.push({
        group: 'edges',
        data: { id: eid(e.id), ref: e.id, source: nid(e.from), target: nid(e.to), type: e.type, label: e.type.toLowerCase().replace(/_/g, ' ') },
      });
    }
    if (edgeDefs.length > 0) cy.add(edgeDefs);
    const labelEdges = vis.edges.length <= 25;
    cy.nodes().forEach((n) => {
      const ref = n.data('ref') as string;
      n.toggleClass('hidden', !visNodes.has(ref));
      const pinned = view.pinned.has(ref);
      n.toggleClass('pinned', pinned);
      if (pinned !== n.locked()) {
        if (pinned) n.lock();
        else n.unlock();
      }
      n.toggleClass('selected', view.selected === ref);
      n.toggleClass('path', pathHighlight.nodes.has(ref));
    });
    cy.edges().forEach((e) => {
      const ref = e.data('ref') as string;
      e.toggleClass('hidden', !visEdges.has(ref));
      e.toggleClass('labelled', labelEdges);
      e.toggleClass('selected', selectedEdge === ref);
      e.toggleClass('path', pathHighlight.edges.has(ref));
    });
  });
  $('empty').hidden = view.nodes.size > 0;
  if (opts.layout || (newNodes > 0 && vis.nodes.length <= FULL_LAYOUT_LIMIT)) {
    runLayout(opts.randomize ?? false);
  } else if (newNodes > 0) {
    cy.fit(undefined, 30);
  }
  renderFilters();
  renderViewList();
  renderGephiLite();
  setStatus();
  saveUrl();
}

// ---------------------------------------------------------------- URL

// True until the shared view in the URL has been read, so that early renders do not overwrite it.
let restoring = true;
function saveUrl(): void {
  if (restoring) return;
  const q = encode(fromView(view));
  if (q !== location.search) history.replaceState(null, '', `${location.pathname}${q}`);
}

// ---------------------------------------------------------------- filters & legend

const kindsBox = $('kinds');
const typesBox = $('types');

function buildFilters(): void {
  for (const k of KINDS) {
    const label = document.createElement('label');
    label.innerHTML = `<input type="checkbox" checked data-kind="${k}"> ${legendSvg(k)} <span></span><span class="n"></span>`;
    (label.children[2] as HTMLElement).textContent = LOOK[k].label;
    kindsBox.append(label);
  }
  for (const t of REL_TYPES) {
    const label = document.createElement('label');
    label.innerHTML = `<input type="checkbox" checked data-type="${t}"> <span></span><span class="n"></span>`;
    (label.children[1] as HTMLElement).textContent = t.toLowerCase().replace(/_/g, ' ');
    typesBox.append(label);
  }
  kindsBox.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const k = input.dataset.kind;
    if (!k) return;
    setHidden(view.hiddenKinds, k as (typeof KINDS)[number], !input.checked);
    render();
  });
  typesBox.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const t = input.dataset.type;
    if (!t) return;
    setHidden(view.hiddenTypes, t as RelType, !input.checked);
    render();
  });
}

function renderFilters(): void {
  const c = counts(view);
  for (const label of kindsBox.querySelectorAll('label')) {
    const input = label.querySelector('input')!;
    const k = input.dataset.kind as (typeof KINDS)[number];
    input.checked = !view.hiddenKinds.has(k);
    const n = c.kinds.get(k) ?? 0;
    label.querySelector('.n')!.textContent = String(n);
    label.classList.toggle('zero', n === 0);
  }
  for (const label of typesBox.querySelectorAll('label')) {
    const input = label.querySelector('input')!;
    const t = input.dataset.type as RelType;
    input.checked = !view.hiddenTypes.has(t);
    const n = c.types.get(t) ?? 0;
    label.querySelector('.n')!.textContent = String(n);
    label.classList.toggle('zero', n === 0);
  }
}

// ---------------------------------------------------------------- in-view list & path selects

const viewList = $<HTMLSelectElement>('view-list');
const pathFrom = $<HTMLSelectElement>('path-from');
const pathTo = $<HTMLSelectElement>('path-to');
let listedKey = '';
let pathKey = '';

function renderViewList(): void {
  const sorted = [...view.nodes.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  // Rebuild the lists only when what they show changed: filters touch the
  // in-view list's "(hidden)" marks, not the path pickers.
  const key = sorted.map((n) => `${n.id}\u0000${nodeVisible(view, n)}`).join('\u0001');
  if (key !== listedKey) {
    listedKey = key;
    const frag = document.createDocumentFragment();
    for (const n of sorted) {
      const o = document.createElement('option');
      o.value = n.id;
      o.textContent = `${n.name} · ${LOOK[n.kind].label}${nodeVisible(view, n) ? '' : ' (hidden)'}`;
      frag.append(o);
    }
    viewList.replaceChildren(frag);
  }
  const pkey = sorted.map((n) => n.id).join('\u0001');
  if (pkey !== pathKey) {
    pathKey = pkey;
    for (const [sel, current] of [
      [pathFrom, view.pathFrom],
      [pathTo, view.pathTo],
    ] as const) {
      const f = document.createDocumentFragment();
      const blank = document.createElement('option');
      blank.value = '';
      blank.textContent = '— choose a node in view —';
      f.append(blank);
      for (const n of sorted) {
        const o = document.createElement('option');
        o.value = n.id;
        o.textContent = n.name;
        f.append(o);
      }
      sel.replaceChildren(f);
      sel.value = current ?? '';
    }
  }
  viewList.value = view.selected ?? '';
  pathFrom.value = view.pathFrom ?? '';
  pathTo.value = view.pathTo ?? '';
  $('view-count').textContent = `(${view.nodes.size})`;
}

const selectFromList = debounce((id: string) => select(id), 150);
viewList.addEventListener('change', () => {
  if (viewList.value) selectFromList(viewList.value);
});
viewList.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && viewList.value) {
    selectFromList.cancel();
    select(viewList.value);
    $('details').focus();
  }
});
pathFrom.addEventListener('change', () => {
  view.pathFrom = pathFrom.value || null;
  saveUrl();
});
pathTo.addEventListener('change', () => {
  view.pathTo = pathTo.value || null;
  saveUrl();
});

// ---------------------------------------------------------------- details

const detailsBody = $('details-body');
const loadDetails = latest(api.nodeDetails);
const loadRelDetails = latest(api.relationshipDetails);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

function safeUrl(url: string): string | null {
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function sourceList(sources: readonly { title: string; url: string; publisher?: string | null; year?: number | null }[]): HTMLElement {
  const ul = el('ul', { className: 'sources' });
  for (const s of sources) {
    const href = safeUrl(s.url);
    const extra = [s.publisher, s.year].filter((x) => x !== null && x !== undefined && x !== '').join(', ');
    const li = el('li');
    if (href) {
      const a = el('a', { href, title: s.title, target: '_blank', rel: 'noopener noreferrer' }, s.title);
      li.append(a);
    } else {
      li.append(s.title);
    }
    if (extra) li.append(` (${extra})`);
    ul.append(li);
  }
  return ul;
}

function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button' }, label);
  for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
  b.addEventListener('click', onClick);
  return b;
}

function clearDetails(): void {
  detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Click a node or a relationship to see its details and sources.'));
}

/** detailsSeq numbers detail requests so that only the newest one fills the panel. */
let detailsSeq = 0;

function detailsFailed(what: string, retry: () => void): void {
  detailsBody.replaceChildren(el('p', {}, `The ${what} could not be loaded.`), button('Try again', retry));
}

async function showNodeDetails(id: string): Promise<void> {
  const mine = ++detailsSeq;
  detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Loading…'));
  const d = await run('Loading details', () => loadDetails(id, view.year), () => void showNodeDetails(id));
  if (mine !== detailsSeq || view.selected !== id) return; // superseded
  if (d === undefined) {
    detailsFailed('details of this node', () => void showNodeDetails(id));
    return;
  }
  if (d === null) {
    detailsBody.replaceChildren(el('p', {}, `No node with id “${id}” exists any more.`));
    return;
  }
  const kind = d.kind as (typeof KINDS)[number];
  const badge = el('span', { className: 'kind-badge' });
  badge.innerHTML = legendSvg(kind);
  badge.append(LOOK[kind]?.label ?? d.kind);
  const dl = el('dl');
  dl.append(el('dt', {}, 'Id'), el('dd', {}, d.id));
  for (const [k, v] of d.properties) {
    const dd = el('dd');
    const href = k === 'Web page' ? safeUrl(v) : null;
    if (href) dd.append(el('a', { href, target: '_blank', rel: 'noopener noreferrer', title: d.name }, v));
    else dd.append(v);
    dl.append(el('dt', {}, k), dd);
  }
  dl.append(el('dt', {}, 'Relationships'), el('dd', {}, `${d.relationshipTotal}${view.year !== null ? ` as of ${view.year}` : ''} (${d.degree} in all)`));

  const pinned = view.pinned.has(id);
  const actions = el('div', { className: 'actions', role: 'group' } as Partial<HTMLDivElement>);
  actions.setAttribute('aria-label', 'Node actions');
  actions.append(
    button('Expand all', () => void expand(id, null), { id: 'expand-all' }),
    button('Collapse', () => doCollapse(id), { id: 'collapse' }),
    button(pinned ? 'Unpin' : 'Pin', () => doPin(id), { id: 'pin', 'aria-pressed': String(pinned) }),
    button('Remove', () => doRemove(id), { id: 'remove' }),
    button('Path from here', () => setPathEnd('from', id), { id: 'path-from-here' }),
    button('Path to here', () => setPathEnd('to', id), { id: 'path-to-here' }),
  );

  const byType = el('div', { className: 'row wrap' });
  if (d.typeCounts.length > 0) {
    const sel = el('select', { id: 'expand-type' });
    for (const [t, n] of d.typeCounts) sel.append(el('option', { value: t }, `${t.toLowerCase().replace(/_/g, ' ')} (${n})`));
    byType.append(el('label', { htmlFor: 'expand-type' }, 'Expand by type'), sel, button('Expand', () => void expand(id, [sel.value as RelType]), { id: 'expand-by-type' }));
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
  );
}

async function showEdgeDetails(id: string): Promise<void> {
  const mine = ++detailsSeq;
  detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Loading…'));
  const r = await run('Loading relationship', () => loadRelDetails(id), () => void showEdgeDetails(id));
  if (mine !== detailsSeq || selectedEdge !== id) return; // superseded
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
  dl.append(el('dt', {}, 'Type'), el('dd', {}, r.type.toLowerCase().replace(/_/g, ' ')));
  if (r.year !== null) dl.append(el('dt', {}, 'Year'), el('dd', {}, String(r.year)));
  if (r.tensions.length > 0) dl.append(el('dt', {}, 'Tensions'), el('dd', {}, r.tensions.map((t) => t.name).join(', ')));
  detailsBody.replaceChildren(
    el('h3', {}, 'Relationship'),
    el('p', {}, from, ` —${r.type.toLowerCase().replace(/_/g, ' ')}→ `, to),
    ...(r.summary ? [el('p', {}, r.summary)] : []),
    dl,
    el('h4', {}, `Sources (${r.sources.length})`),
    sourceList(r.sources),
  );
}

/** select makes a node the selected one and opens its details. */
function select(id: string | null): void {
  selectedEdge = null;
  view.selected = id !== null && view.nodes.has(id) ? id : null;
  render();
  if (view.selected === null) {
    clearDetails();
    return;
  }
  const n = cy.getElementById(nid(view.selected));
  if (n.nonempty() && n.visible() && cy.nodes(':visible').length > 1) {
    const bb = cy.extent();
    const p = n.position();
    if (p.x < bb.x1 || p.x > bb.x2 || p.y < bb.y1 || p.y > bb.y2) cy.center(n);
  }
  void showNodeDetails(view.selected);
}

function selectEdge(id: string): void {
  view.selected = null;
  selectedEdge = id;
  render();
  void showEdgeDetails(id);
}

cy.on('tap', 'node', (e) => select(e.target.data('ref') as string));
cy.on('tap', 'edge', (e) => selectEdge(e.target.data('ref') as string));
cy.on('tap', (e) => {
  if (e.target === cy && (view.selected !== null || selectedEdge !== null)) {
    selectedEdge = null;
    select(null);
  }
});

// ---------------------------------------------------------------- actions

/** addNode puts a node (and its relationships to what is in view) on screen and selects it. */
async function addNode(id: string): Promise<void> {
  if (!view.nodes.has(id)) {
    const r = await run('Adding node', () => api.nodesWithRelationships([id], view.year), () => void addNode(id));
    if (!r) return;
    if (r.nodes.length === 0) {
      showError(`No node with id “${id}” was found.`);
      return;
    }
    addElements(view, r.nodes, r.edges);
    statusNote = '';
    const anchor = neighbours(view, id)[0];
    render({ anchor });
    const n = view.nodes.get(id)!;
    if (!existsAsOf(n.year, view.year)) {
      statusNote = `${n.name} dates from ${n.year}: move the year slider to ${n.year} or later to see it`;
    }
  }
  select(id);
}

async function expand(id: string, types: RelType[] | null): Promise<void> {
  const label = types ? `Expanding ${types.join(', ').toLowerCase()}` : 'Expanding neighbours';
  const r = await run(label, async () => {
    const nb = await api.neighbourhood(id, types, view.year);
    const fresh = nb.nodes.map((n) => n.id).filter((x) => !view.nodes.has(x));
    addElements(view, nb.nodes, nb.edges);
    if (fresh.length > 0) {
      // Relationships between the new nodes and the rest of the view.
      const more = await api.nodesWithRelationships(fresh, view.year);
      addElements(view, [], more.edges);
    }
    return { fresh, truncated: nb.truncated };
  }, () => void expand(id, types));
  if (!r) return;
  statusNote = r.fresh.length === 0 ? 'no new neighbours' : `added ${r.fresh.length} neighbours`;
  if (r.truncated) statusNote += ' (the server cut the neighbourhood short)';
  render({ anchor: id });
  if (view.selected === id) void showNodeDetails(id);
}

function doCollapse(id: string): void {
  const gone = collapse(view, id);
  statusNote = gone.length === 0 ? 'nothing to collapse (neighbours are pinned or linked elsewhere)' : `removed ${gone.length} neighbours`;
  render();
}

function doPin(id: string): void {
  togglePin(view, id);
  render();
  const b = document.getElementById('pin');
  if (b) {
    const p = view.pinned.has(id);
    b.textContent = p ? 'Unpin' : 'Pin';
    b.setAttribute('aria-pressed', String(p));
  }
}

function doRemove(id: string): void {
  removeNodes(view, [id]);
  clearDetails();
  render();
}

function setPathEnd(which: 'from' | 'to', id: string): void {
  if (which === 'from') view.pathFrom = id;
  else view.pathTo = id;
  renderViewList();
  saveUrl();
  (which === 'from' ? pathTo : $('find-paths')).focus();
}

async function findPaths(): Promise<void> {
  const from = view.pathFrom;
  const to = view.pathTo;
  const out = $('path-results');
  if (!from || !to) {
    out.replaceChildren(el('p', {}, 'Choose two nodes in view: one to start from and one to reach.'));
    return;
  }
  if (from === to) {
    out.replaceChildren(el('p', {}, 'Choose two different nodes.'));
    return;
  }
  const ps = await run('Finding paths', () => api.paths(from, to, view.year), () => void findPaths());
  if (!ps) return;
  if (ps.length === 0) {
    pathHighlight = { nodes: new Set(), edges: new Set() };
    render();
    out.replaceChildren(el('p', {}, `No path within 6 hops${view.year !== null ? ` as of ${view.year}` : ''}.`));
    return;
  }
  const before = view.nodes.size;
  for (const p of ps) addElements(view, p.nodes.map(api.toNode), p.relationships.map(api.toEdge));
  const highlight = (i: number) => {
    pathHighlight = { nodes: new Set(ps[i].nodes.map((n) => n.id)), edges: new Set(ps[i].relationships.map((r) => r.id)) };
    render();
  };
  const list = el('div');
  ps.forEach((p, i) => {
    let hs;
    try {
      hs = hops(p);
    } catch (err) {
      showError(`A path from the server did not fit together: ${(err as Error).message}`);
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
    sec.append(
      el('h3', {}, `Path ${i + 1}: ${p.length} hop${p.length === 1 ? '' : 's'}`, button('Highlight', () => highlight(i))),
      ol,
    );
    list.append(sec);
  });
  out.replaceChildren(list);
  out.scrollIntoView({ block: 'nearest' });
  highlight(0);
  if (view.nodes.size > before) render({ layout: view.nodes.size <= FULL_LAYOUT_LIMIT });
}

$('path-form').addEventListener('submit', (e) => {
  e.preventDefault();
  view.pathFrom = pathFrom.value || null;
  view.pathTo = pathTo.value || null;
  void findPaths();
});

// ---------------------------------------------------------------- year

const yearInput = $<HTMLInputElement>('year');
const allYears = $<HTMLInputElement>('all-years');
const yearOut = $<HTMLOutputElement>('year-out');

function renderYear(): void {
  allYears.checked = view.year === null;
  yearInput.disabled = view.year === null;
  yearInput.min = String(yearBounds.min);
  yearInput.max = String(yearBounds.max);
  if (view.year !== null) yearInput.value = String(view.year);
  yearOut.textContent = view.year === null ? 'all years' : String(view.year);
  yearInput.setAttribute('aria-valuetext', view.year === null ? 'all years' : String(view.year));
}

/** requery fetches the view's relationships again for the current year. */
async function requery(): Promise<void> {
  const ids = [...view.nodes.keys()];
  if (ids.length === 0) return;
  const year = view.year;
  const r = await run('Updating for the year', () => api.subgraph(ids, year), () => void requery());
  if (!r || view.year !== year) return;
  addElements(view, r.nodes, []);
  replaceEdgesAmong(view, ids, r.edges);
  render();
  if (view.selected !== null) void showNodeDetails(view.selected);
  // Paths on show were found for the old year: find them again.
  if (view.pathFrom !== null && view.pathTo !== null && $('path-results').childElementCount > 0) void findPaths();
}
const requeryLater = debounce(() => void requery(), 300);

yearInput.addEventListener('input', () => {
  view.year = Number(yearInput.value);
  renderYear();
  render();
  requeryLater();
});
allYears.addEventListener('change', () => {
  view.year = allYears.checked ? null : Number(yearInput.value);
  renderYear();
  render();
  requeryLater();
});

// ---------------------------------------------------------------- layout, zoom, export

const layoutSelect = $<HTMLSelectElement>('layout');
layoutSelect.addEventListener('change', () => {
  if (isLayout(layoutSelect.value)) view.layout = layoutSelect.value;
  saveUrl();
  runLayout(true);
});
$('relayout').addEventListener('click', () => runLayout(true));
function zoomBy(f: number): void {
  cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}
$('zoom-in').addEventListener('click', () => zoomBy(1.25));
$('zoom-out').addEventListener('click', () => zoomBy(0.8));
$('fit').addEventListener('click', () => cy.fit(cy.elements().not('.hidden'), 30));
$('clear').addEventListener('click', () => {
  removeNodes(view, [...view.nodes.keys()]);
  pathHighlight = { nodes: new Set(), edges: new Set() };
  selectedEdge = null;
  statusNote = '';
  clearDetails();
  $('path-results').replaceChildren();
  render();
});

$('cy').addEventListener('keydown', (e) => {
  const step = 40;
  const pans: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  if (pans[e.key]) {
    cy.panBy({ x: pans[e.key][0], y: pans[e.key][1] });
  } else if (e.key === '+' || e.key === '=') {
    zoomBy(1.25);
  } else if (e.key === '-') {
    zoomBy(0.8);
  } else if (e.key === '0') {
    cy.fit(cy.elements().not('.hidden'), 30);
  } else {
    return;
  }
  e.preventDefault();
});

function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const EXT: Record<ExportFormat, string> = { graphml: 'graphml', gexf: 'gexf', json: 'json', csv: 'zip' };

async function exportView(format: ExportFormat): Promise<void> {
  if (visible(view).nodes.length === 0) {
    showError('There is nothing in view to export: add some nodes first.');
    return;
  }
  const url = exportUrl(view, format);
  await run(`Exporting ${format.toUpperCase()}`, async () => {
    let res: Response;
    try {
      res = await fetch(url);
    } catch (err) {
      throw new ApiError(`The export service could not be reached (${(err as Error).message}).`, 'EUNAVAILABLE');
    }
    if (!res.ok) {
      const text = (await res.text()).slice(0, 300);
      throw new ApiError(`/export answered ${res.status}: ${text}`, `HTTP${res.status}`);
    }
    const blob = await res.blob();
    const cd = res.headers.get('Content-Disposition') ?? '';
    const m = /filename="?([^";]+)"?/.exec(cd);
    const ext = format === 'csv' && !/zip/.test(res.headers.get('Content-Type') ?? '') ? 'csv' : EXT[format];
    download(blob, m?.[1] ?? `hmkg-view.${ext}`);
  }, () => void exportView(format));
}

for (const b of document.querySelectorAll<HTMLButtonElement>('button.export')) {
  b.addEventListener('click', () => void exportView(b.dataset.format as ExportFormat));
}
$('export-png').addEventListener('click', () => {
  if (cy.nodes(':visible').empty()) {
    showError('There is nothing in view to export: add some nodes first.');
    return;
  }
  const blob = cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' });
  download(blob, 'hmkg-view.png');
});

const gephiLite = $<HTMLAnchorElement>('gephi-lite');
/** renderGephiLite points "Open in Gephi Lite" at the GEXF export of the view; no link when the view is empty. */
function renderGephiLite(): void {
  const href = gephiLiteUrl(view, location.href);
  if (href === null) {
    gephiLite.removeAttribute('href');
    gephiLite.setAttribute('aria-disabled', 'true');
  } else {
    if (gephiLite.getAttribute('href') !== href) gephiLite.href = href;
    gephiLite.removeAttribute('aria-disabled');
  }
}

// ---------------------------------------------------------------- search

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
  if (message) {
    results.append(el('li', { className: 'none', role: 'presentation' } as Partial<HTMLLIElement>, message));
  }
  hits.forEach((h, i) => {
    const li = el('li', { id: `result-${i}`, role: 'option' } as Partial<HTMLLIElement>);
    li.setAttribute('aria-selected', String(i === active));
    li.dataset.id = h.node.id;
    const icon = el('span');
    icon.innerHTML = legendSvg(h.node.kind);
    const text = el('span', {}, h.node.name, ' ', el('span', { className: 'kind' }, LOOK[h.node.kind].label + (h.node.year !== null ? `, ${h.node.year}` : '')));
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
  void addNode(h.node.id);
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
    showError(`Search failed. ${describe(err)}`, () => doSearch(q.value));
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

document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement;
  if (e.key === '/' && !typing) {
    e.preventDefault();
    q.focus();
    q.select();
  } else if (e.key === 'Escape' && !typing && (view.selected !== null || selectedEdge !== null)) {
    selectedEdge = null;
    select(null);
  }
});

// ---------------------------------------------------------------- start

async function loadStats(): Promise<void> {
  const s = await run('Connecting to the graph', () => api.stats(), () => void loadStats());
  if (!s) {
    $('dataset').textContent = 'not connected';
    return;
  }
  $('dataset').textContent = `${s.datasetName} ${s.datasetVersion} · ${s.nodeCount} nodes · ${s.relationshipCount} relationships`;
  yearBounds = { min: s.minYear ?? 1900, max: Math.max(s.maxYear ?? new Date().getFullYear(), new Date().getFullYear()) };
  if (view.year !== null) {
    yearBounds.min = Math.min(yearBounds.min, view.year);
    yearBounds.max = Math.max(yearBounds.max, view.year);
  }
  if (view.year === null) yearInput.value = String(yearBounds.max);
  renderYear();
}

/** restore rebuilds the view a shared URL describes. */
async function restore(): Promise<void> {
  const s = decode(location.search);
  view.year = s.year;
  view.layout = s.layout;
  view.hiddenKinds = new Set(s.hiddenKinds);
  view.hiddenTypes = new Set(s.hiddenTypes);
  layoutSelect.value = view.layout;
  renderYear();
  if (s.ids.length > 0) {
    // All the nodes (a node may date from after the year: it is hidden, not dropped)...
    const r = await run('Restoring the shared view', () => api.subgraph(s.ids, null), () => void restore());
    if (!r) {
      // The alert offers a retry. The URL keeps the shared view until the user changes something.
      restoring = false;
      return;
    }
    addElements(view, r.nodes, r.edges);
    const missing = s.ids.filter((id) => !view.nodes.has(id));
    if (missing.length > 0) showError(`Some nodes in the shared link no longer exist: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`);
  }
  applyToView(s, view);
  restoring = false;
  render({ layout: true, randomize: true });
  // ...and the relationships as the server reads them for that year.
  if (view.year !== null) await requery();
  if (view.selected !== null) void showNodeDetails(view.selected);
  if (view.pathFrom !== null && view.pathTo !== null) void findPaths();
}

buildFilters();
renderYear();
render();
void loadStats();
const ready = restore();

declare global {
  interface Window {
    /** hmkg exposes the drawing and the view model read-only to tests and the console. */
    hmkg: { cy: cytoscape.Core; view: typeof view; ready: Promise<void> };
  }
}
window.hmkg = { cy, view, ready };
