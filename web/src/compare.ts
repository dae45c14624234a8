// compare.ts: two movements side by side, without the DOM. It shapes the
// API's compareMovements answer into the rows the compare view draws: the
// tension profiles on one list (every tension either movement has), and the
// two timelines grouped by decade so they line up.

import type { Ref } from './tensions';

export interface TimelineItem {
  id: string;
  type: string;
  year: number;
  summary: string | null;
  from: Ref;
  to: Ref;
}

export interface Profile {
  movement: Ref;
  members: Ref[];
  tensions: { tension: Ref; count: number }[];
  timeline: TimelineItem[];
}

export interface Comparison {
  a: Profile;
  b: Profile;
  sharedInstitutions: Ref[];
  sharedOrganisations: Ref[];
}

export interface TensionRow {
  tension: Ref;
  a: number;
  b: number;
}

/** tensionRows lists every tension of either movement with both counts, most episodes (a+b) first, ties by name. */
export function tensionRows(c: Comparison): TensionRow[] {
  const rows = new Map<string, TensionRow>();
  for (const [side, p] of [['a', c.a], ['b', c.b]] as const) {
    for (const t of p.tensions) {
      const r = rows.get(t.tension.id) ?? { tension: t.tension, a: 0, b: 0 };
      r[side] += t.count;
      rows.set(t.tension.id, r);
    }
  }
  return [...rows.values()].sort((x, y) => y.a + y.b - (x.a + x.b) || x.tension.name.localeCompare(y.tension.name));
}

export interface DecadeRow {
  decade: number;
  a: TimelineItem[];
  b: TimelineItem[];
}

/** timelineRows groups both timelines by decade, oldest first; decades where neither has anything are left out. */
export function timelineRows(c: Comparison): DecadeRow[] {
  const rows = new Map<number, DecadeRow>();
  for (const [side, p] of [['a', c.a], ['b', c.b]] as const) {
    for (const item of p.timeline) {
      const d = Math.floor(item.year / 10) * 10;
      const r = rows.get(d) ?? { decade: d, a: [], b: [] };
      r[side].push(item);
      rows.set(d, r);
    }
  }
  const out = [...rows.values()].sort((x, y) => x.decade - y.decade);
  for (const r of out) {
    r.a.sort(byYear);
    r.b.sort(byYear);
  }
  return out;
}

function byYear(x: TimelineItem, y: TimelineItem): number {
  return x.year - y.year || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

/** otherEnd names the end of a timeline relationship that is not the movement (or, failing that, its target). */
export function otherEnd(item: TimelineItem, movementId: string): Ref {
  return item.from.id === movementId ? item.to : item.to.id === movementId ? item.from : item.to;
}

/** barWidth scales a count to a percentage of the larger of the two sides' maxima, so both columns share a scale. */
export function barWidth(count: number, rows: readonly TensionRow[]): number {
  const max = rows.reduce((m, r) => Math.max(m, r.a, r.b), 0);
  return max === 0 ? 0 : Math.round((count / max) * 100);
}
