// state.ts: the dashboard's view model, free of the DOM and of Cytoscape so
// that it can be unit-tested. The page renders whatever this model says is
// visible; every user action is a function over it. All view state lives
// here (and, for what a link shares, in the URL: url.ts), none in the modules
// that draw it.

import { EXPORT_FORMATS, ExportFormat, KINDS, REL_TYPES, isKnownKind, isKnownRelType, withUnknown, type Kind, type RelType } from './vocab';

export { EXPORT_FORMATS, KINDS, REL_TYPES, type ExportFormat, type Kind, type RelType };

export const LAYOUTS = ['cose', 'breadthfirst', 'concentric', 'circle'] as const;
export type LayoutName = (typeof LAYOUTS)[number];

/** A node as the view knows it: enough to draw it and to place it in time. */
export interface GNode {
  id: string;
  kind: Kind;
  name: string;
  /** The year from which the node exists; null for undated (timeless) nodes. */
  year: number | null;
}

/** A directed relationship from -> to. */
export interface GEdge {
  id: string;
  type: RelType;
  from: string;
  to: string;
  year: number | null;
  summary: string | null;
  /** status is set only when the relationship is not ASSERTED (DISPUTED, RETRACTED). */
  status?: string;
}

/** View is everything the user has put on screen and how they look at it. */
export interface View {
  nodes: Map<string, GNode>;
  edges: Map<string, GEdge>;
  pinned: Set<string>;
  hiddenKinds: Set<Kind>;
  hiddenTypes: Set<RelType>;
  /** asOf: the graph as it stood at the end of this year; null = all years. */
  year: number | null;
  selected: string | null;
  layout: LayoutName;
  pathFrom: string | null;
  pathTo: string | null;
  /** The selected relationship (the details panel shows it); never set together with `selected`. */
  selectedEdge: string | null;
  /** The path on show, highlighted in the drawing. */
  highlight: { nodes: Set<string>; edges: Set<string> };
  /** The years the slider spans (from the data, widened to the chosen year). */
  yearBounds: { min: number; max: number };
  /** A note on the last action, shown after the counts in the status line. */
  note: string;
}

/** isKind says whether s is a kind the schema defines (others are still valid, shown generically). */
export function isKind(s: string): s is Kind {
  return isKnownKind(s);
}

/** isRelType says whether s is a relationship type the schema defines. */
export function isRelType(s: string): s is RelType {
  return isKnownRelType(s);
}

export function isLayout(s: string): s is LayoutName {
  return (LAYOUTS as readonly string[]).includes(s);
}

export function emptyView(): View {
  return {
    nodes: new Map(),
    edges: new Map(),
    pinned: new Set(),
    hiddenKinds: new Set(),
    hiddenTypes: new Set(),
    year: null,
    selected: null,
    layout: 'cose',
    pathFrom: null,
    pathTo: null,
    selectedEdge: null,
    highlight: { nodes: new Set(), edges: new Set() },
    yearBounds: { min: 1900, max: new Date().getFullYear() },
    note: '',
  };
}

/** existsAsOf follows the schema: undated things are timeless. */
export function existsAsOf(year: number | null, asOf: number | null): boolean {
  return asOf === null || year === null || year <= asOf;
}

/**
 * addElements puts nodes and relationships into the view. A relationship is
 * kept only when both of its endpoints are in the view (after adding nodes).
 * Nodes already present are updated in place. Returns the ids that are new.
 */
export function addElements(
  v: View,
  nodes: readonly GNode[],
  edges: readonly GEdge[],
): { nodes: string[]; edges: string[] } {
  const added = { nodes: [] as string[], edges: [] as string[] };
  for (const n of nodes) {
    if (!v.nodes.has(n.id)) added.nodes.push(n.id);
    v.nodes.set(n.id, { ...n });
  }
  for (const e of edges) {
    if (!v.nodes.has(e.from) || !v.nodes.has(e.to)) continue;
    if (!v.edges.has(e.id)) added.edges.push(e.id);
    v.edges.set(e.id, { ...e });
  }
  return added;
}

/**
 * replaceEdgesAmong swaps the relationships touching `ids` for `edges`: used
 * after a re-query (for example with a new asOf) that returned the complete
 * set of relationships of those nodes.
 */
export function replaceEdgesAmong(v: View, ids: Iterable<string>, edges: readonly GEdge[]): void {
  const set = new Set(ids);
  for (const [id, e] of v.edges) {
    if (set.has(e.from) || set.has(e.to)) v.edges.delete(id);
  }
  addElements(v, [], edges);
}

/** removeNodes deletes nodes with their relationships, pins and selections. */
export function removeNodes(v: View, ids: Iterable<string>): string[] {
  const gone = new Set<string>();
  for (const id of ids) {
    if (v.nodes.delete(id)) gone.add(id);
  }
  if (gone.size === 0) return [];
  for (const [id, e] of v.edges) {
    if (gone.has(e.from) || gone.has(e.to)) v.edges.delete(id);
  }
  for (const id of gone) v.pinned.delete(id);
  if (v.selected !== null && gone.has(v.selected)) v.selected = null;
  if (v.selectedEdge !== null && !v.edges.has(v.selectedEdge)) v.selectedEdge = null;
  if (v.pathFrom !== null && gone.has(v.pathFrom)) v.pathFrom = null;
  if (v.pathTo !== null && gone.has(v.pathTo)) v.pathTo = null;
  return [...gone];
}

/** neighbours lists the ids adjacent to id in the view, sorted. */
export function neighbours(v: View, id: string): string[] {
  const out = new Set<string>();
  for (const e of v.edges.values()) {
    if (e.from === id) out.add(e.to);
    else if (e.to === id) out.add(e.from);
  }
  out.delete(id);
  return [...out].sort();
}

/**
 * collapse removes the neighbours of id that hang only off it: not pinned,
 * not the node itself, and with no relationship to any other node in view.
 * It is the inverse of expanding a node into fresh territory.
 */
export function collapse(v: View, id: string): string[] {
  if (!v.nodes.has(id)) return [];
  const victims: string[] = [];
  for (const n of neighbours(v, id)) {
    if (v.pinned.has(n) || n === v.selected) continue;
    if (neighbours(v, n).every((m) => m === id)) victims.push(n);
  }
  return removeNodes(v, victims);
}

/** togglePin pins or unpins a node; returns whether it is pinned now. */
export function togglePin(v: View, id: string): boolean {
  if (!v.nodes.has(id)) return false;
  if (v.pinned.has(id)) {
    v.pinned.delete(id);
    return false;
  }
  v.pinned.add(id);
  return true;
}

export function nodeVisible(v: View, n: GNode): boolean {
  return !v.hiddenKinds.has(n.kind) && existsAsOf(n.year, v.year);
}

export function edgeVisible(v: View, e: GEdge): boolean {
  if (v.hiddenTypes.has(e.type) || !existsAsOf(e.year, v.year)) return false;
  const a = v.nodes.get(e.from);
  const b = v.nodes.get(e.to);
  return a !== undefined && b !== undefined && nodeVisible(v, a) && nodeVisible(v, b);
}

/** visible returns the ids of the nodes and relationships the user should see, sorted. */
export function visible(v: View): { nodes: string[]; edges: string[] } {
  const nodes: string[] = [];
  for (const n of v.nodes.values()) if (nodeVisible(v, n)) nodes.push(n.id);
  const edges: string[] = [];
  for (const e of v.edges.values()) if (edgeVisible(v, e)) edges.push(e.id);
  return { nodes: nodes.sort(), edges: edges.sort() };
}

/** diff says what to add and what to remove to turn `have` into `want`. */
export function diff(have: Iterable<string>, want: Iterable<string>): { add: string[]; remove: string[] } {
  const h = new Set(have);
  const w = new Set(want);
  const add: string[] = [];
  const remove: string[] = [];
  for (const id of w) if (!h.has(id)) add.push(id);
  for (const id of h) if (!w.has(id)) remove.push(id);
  return { add, remove };
}

/** countBy tallies the view's nodes by kind and relationships by type. */
export function counts(v: View): { kinds: Map<Kind, number>; types: Map<RelType, number> } {
  const kinds = new Map<Kind, number>();
  const types = new Map<RelType, number>();
  for (const n of v.nodes.values()) kinds.set(n.kind, (kinds.get(n.kind) ?? 0) + 1);
  for (const e of v.edges.values()) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  return { kinds, types };
}

/** setHidden shows or hides one kind or relationship type. */
export function setHidden<T>(set: Set<T>, item: T, hidden: boolean): void {
  if (hidden) set.add(item);
  else set.delete(item);
}

/**
 * exportUrl asks /export for exactly the current view: its visible nodes as
 * seeds at depth 0, the year, and the kinds and types still shown when a
 * filter hides some.
 */
export function exportUrl(v: View, format: ExportFormat): string {
  const parts = [`format=${format.toLowerCase()}`];
  for (const id of visible(v).nodes) parts.push(`seed=${encodeURIComponent(id)}`);
  parts.push('depth=0');
  const c = counts(v);
  if (v.hiddenKinds.size > 0) {
    for (const k of withUnknown(KINDS, c.kinds.keys())) if (!v.hiddenKinds.has(k)) parts.push(`kind=${encodeURIComponent(k)}`);
  }
  if (v.hiddenTypes.size > 0) {
    for (const t of withUnknown(REL_TYPES, c.types.keys())) if (!v.hiddenTypes.has(t)) parts.push(`type=${encodeURIComponent(t)}`);
  }
  if (v.year !== null) parts.push(`asOf=${v.year}`);
  return `/export?${parts.join('&')}`;
}

/** GEPHI_LITE is the public Gephi Lite, which opens a GEXF given as `?file=<url>`. */
export const GEPHI_LITE = 'https://gephi.org/gephi-lite/';

/**
 * gephiLiteUrl is the link that opens the current view in the public Gephi
 * Lite: the absolute URL of the same GEXF export the GEXF button downloads
 * (exportUrl, resolved against pageUrl, the dashboard's own address), URL-encoded
 * into Gephi Lite's `file` parameter. Null when nothing is in view.
 */
export function gephiLiteUrl(v: View, pageUrl: string): string | null {
  if (visible(v).nodes.length === 0) return null;
  const file = new URL(exportUrl(v, ExportFormat.GEXF), pageUrl).href;
  return `${GEPHI_LITE}?file=${encodeURIComponent(file)}`;
}

/** selectNode makes a node in view the selected one (null: none); it clears a selected relationship. */
export function selectNode(v: View, id: string | null): string | null {
  v.selectedEdge = null;
  v.selected = id !== null && v.nodes.has(id) ? id : null;
  return v.selected;
}

/** selectEdge makes a relationship in view the selected one; it clears a selected node. */
export function selectEdge(v: View, id: string): string | null {
  v.selected = null;
  v.selectedEdge = v.edges.has(id) ? id : null;
  return v.selectedEdge;
}

/** highlightPath marks the nodes and relationships of one path; none when omitted. */
export function highlightPath(v: View, path?: { nodes: readonly { id: string }[]; relationships: readonly { id: string }[] }): void {
  v.highlight = {
    nodes: new Set(path?.nodes.map((n) => n.id) ?? []),
    edges: new Set(path?.relationships.map((r) => r.id) ?? []),
  };
}

/** clearView empties the view: every node and relationship, the selection, the path on show and the note. */
export function clearView(v: View): void {
  removeNodes(v, [...v.nodes.keys()]);
  v.selectedEdge = null;
  highlightPath(v);
  v.note = '';
}

/**
 * setYearBounds sets the slider's span from the data's oldest and newest
 * years (defaults when unknown), never short of this year nor of the year
 * the view is set to.
 */
export function setYearBounds(v: View, minYear: number | null, maxYear: number | null, now = new Date().getFullYear()): void {
  const b = { min: minYear ?? 1900, max: Math.max(maxYear ?? now, now) };
  if (v.year !== null) {
    b.min = Math.min(b.min, v.year);
    b.max = Math.max(b.max, v.year);
  }
  v.yearBounds = b;
}

/** statusLine is the status under the graph: what is shown, what filters hide, the year and the note. */
export function statusLine(v: View): string {
  const vis = visible(v);
  const base =
    `${vis.nodes.length} nodes, ${vis.edges.length} relationships shown` +
    (v.nodes.size > vis.nodes.length ? ` (${v.nodes.size - vis.nodes.length} hidden by filters)` : '') +
    (v.year !== null ? ` · as of ${v.year}` : '');
  return v.note ? `${base} · ${v.note}` : base;
}
