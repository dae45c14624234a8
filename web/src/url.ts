// url.ts: the shareable part of the view lives in the URL's query string.
// encode and decode are inverses for every valid state; decode ignores what
// it does not understand rather than failing, since URLs get hand-edited.

import {
  KINDS,
  REL_TYPES,
  isKind,
  isLayout,
  isRelType,
  type Kind,
  type LayoutName,
  type RelType,
  type View,
} from './state';

/** UrlState is what a shared link restores. */
export interface UrlState {
  /** Ids of the nodes in view, in order. */
  ids: string[];
  pinned: string[];
  hiddenKinds: Kind[];
  hiddenTypes: RelType[];
  year: number | null;
  selected: string | null;
  layout: LayoutName;
  pathFrom: string | null;
  pathTo: string | null;
}

const MIN_YEAR = 1000;
const MAX_YEAR = 2100;
/** MAX_IDS bounds what a hand-made URL can ask the page to load. */
export const MAX_IDS = 2000;

function list(ids: readonly string[]): string {
  return ids.map((id) => encodeURIComponent(id)).join(',');
}

function unlist(s: string | null): string[] {
  if (s === null || s === '') return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const part of s.split(',')) {
    let id: string;
    try {
      id = decodeURIComponent(part).trim();
    } catch {
      continue;
    }
    if (id === '' || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function param(search: string, name: string): string | null {
  const q = search.startsWith('?') ? search.slice(1) : search;
  for (const pair of q.split('&')) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    if (k === name) return eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' ');
  }
  return null;
}

function one(search: string, name: string): string | null {
  const v = param(search, name);
  if (v === null || v === '') return null;
  try {
    return decodeURIComponent(v);
  } catch {
    return null;
  }
}

/** fromView takes the shareable state out of a view. */
export function fromView(v: View): UrlState {
  return {
    ids: [...v.nodes.keys()].sort(),
    pinned: [...v.pinned].sort(),
    hiddenKinds: KINDS.filter((k) => v.hiddenKinds.has(k)),
    hiddenTypes: REL_TYPES.filter((t) => v.hiddenTypes.has(t)),
    year: v.year,
    selected: v.selected,
    layout: v.layout,
    pathFrom: v.pathFrom,
    pathTo: v.pathTo,
  };
}

/** encode writes a state as a query string starting with '?', or '' when empty. */
export function encode(s: UrlState): string {
  const parts: string[] = [];
  if (s.ids.length > 0) parts.push(`n=${list(s.ids)}`);
  if (s.pinned.length > 0) parts.push(`pin=${list(s.pinned)}`);
  if (s.selected !== null) parts.push(`sel=${encodeURIComponent(s.selected)}`);
  if (s.hiddenKinds.length > 0) parts.push(`hk=${s.hiddenKinds.join(',')}`);
  if (s.hiddenTypes.length > 0) parts.push(`ht=${s.hiddenTypes.join(',')}`);
  if (s.year !== null) parts.push(`year=${s.year}`);
  if (s.layout !== 'cose') parts.push(`layout=${s.layout}`);
  if (s.pathFrom !== null) parts.push(`from=${encodeURIComponent(s.pathFrom)}`);
  if (s.pathTo !== null) parts.push(`to=${encodeURIComponent(s.pathTo)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** decode reads a query string (with or without '?'); unknown or bad values are dropped. */
export function decode(search: string): UrlState {
  const ids = unlist(param(search, 'n')).slice(0, MAX_IDS);
  const selected = one(search, 'sel');
  const pathFrom = one(search, 'from');
  const pathTo = one(search, 'to');
  // Selected and path endpoints are part of the view even if `n` forgot them.
  for (const extra of [selected, pathFrom, pathTo]) {
    if (extra !== null && !ids.includes(extra) && ids.length < MAX_IDS) ids.push(extra);
  }
  const inView = new Set(ids);
  const yearText = one(search, 'year');
  let year: number | null = null;
  if (yearText !== null && /^-?\d+$/.test(yearText)) {
    const y = Number(yearText);
    if (y >= MIN_YEAR && y <= MAX_YEAR) year = y;
  }
  const layout = one(search, 'layout');
  return {
    ids,
    pinned: unlist(param(search, 'pin')).filter((id) => inView.has(id)),
    hiddenKinds: KINDS.filter((k) => unlist(param(search, 'hk')).some((s) => s.toUpperCase() === k && isKind(k))),
    hiddenTypes: REL_TYPES.filter((t) =>
      unlist(param(search, 'ht')).some((s) => s.toUpperCase() === t && isRelType(t)),
    ),
    year,
    selected,
    layout: layout !== null && isLayout(layout) ? layout : 'cose',
    pathFrom,
    pathTo,
  };
}

/** applyToView copies the non-graph parts of a decoded URL onto a view. */
export function applyToView(s: UrlState, v: View): void {
  v.pinned = new Set(s.pinned.filter((id) => v.nodes.has(id)));
  v.hiddenKinds = new Set(s.hiddenKinds);
  v.hiddenTypes = new Set(s.hiddenTypes);
  v.year = s.year;
  v.layout = s.layout;
  v.selected = s.selected !== null && v.nodes.has(s.selected) ? s.selected : null;
  v.pathFrom = s.pathFrom !== null && v.nodes.has(s.pathFrom) ? s.pathFrom : null;
  v.pathTo = s.pathTo !== null && v.nodes.has(s.pathTo) ? s.pathTo : null;
}
