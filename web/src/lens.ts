// lens.ts: the researcher's lens, without the DOM. Node sizes from a chosen
// metric, colours by community (and the legend that explains them), which
// nodes keep a label, and the overview layout that places each community as
// one cluster. lenspanel.ts draws it; the numbers come from the API's
// `analysis` query (lensapi.ts).

/** The metrics a node can be sized by, as the API names them. */
export const METRICS = [
  { name: 'pageRank', label: 'PageRank' },
  { name: 'betweenness', label: 'Betweenness' },
  { name: 'degree', label: 'Degree' },
  { name: 'closeness', label: 'Closeness' },
  { name: 'eigenvector', label: 'Eigenvector' },
  { name: 'brokerage', label: 'Brokerage' },
] as const;

export type MetricName = (typeof METRICS)[number]['name'];

export function isMetric(s: string): s is MetricName {
  return METRICS.some((m) => m.name === s);
}

/** NodeMetrics is one node's figures; `community` is null when the API gave none. */
export type NodeMetrics = { id: string; community: string | null } & Record<MetricName, number>;

export interface Community {
  id: string;
  label: string;
  size: number;
}

/**
 * PALETTE colours the largest communities: Okabe-Ito first (safe for the
 * common colour-vision deficiencies), then Tableau's remaining hues. Smaller
 * communities share OTHER_COLOUR, so no two legend entries look alike.
 */
export const PALETTE = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#F0E442',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#8C564B',
  '#7F7F7F',
  '#BCBD22',
  '#17BECF',
  '#9467BD',
] as const;
export const OTHER_COLOUR = '#C8CDD3';

/** ranked orders communities by size, largest first, ties by id, so colours are stable for the same data. */
export function ranked(communities: readonly Community[]): Community[] {
  return [...communities].sort((a, b) => b.size - a.size || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** communityColours gives each of the largest communities a palette colour and the rest OTHER_COLOUR. */
export function communityColours(communities: readonly Community[]): Map<string, string> {
  const out = new Map<string, string>();
  ranked(communities).forEach((c, i) => out.set(c.id, i < PALETTE.length ? PALETTE[i] : OTHER_COLOUR));
  return out;
}

export interface LegendEntry {
  colour: string;
  label: string;
  /** How many nodes the entry stands for. */
  size: number;
}

/** legend lists the coloured communities, largest first, then one entry for all the others. */
export function legend(communities: readonly Community[]): LegendEntry[] {
  const r = ranked(communities);
  const out: LegendEntry[] = r.slice(0, PALETTE.length).map((c, i) => ({ colour: PALETTE[i], label: c.label || c.id, size: c.size }));
  const rest = r.slice(PALETTE.length);
  if (rest.length > 0) {
    out.push({
      colour: OTHER_COLOUR,
      label: `${rest.length} smaller ${rest.length === 1 ? 'community' : 'communities'}`,
      size: rest.reduce((s, c) => s + c.size, 0),
    });
  }
  return out;
}

export const MIN_SIZE = 14;
export const MAX_SIZE = 64;

/**
 * nodeSizes maps each node to a diameter between MIN_SIZE and MAX_SIZE so
 * that the area grows with the metric (square-root scale over the range
 * seen). When every value is the same, every node gets the middle size.
 */
export function nodeSizes(metrics: readonly NodeMetrics[], metric: MetricName, min = MIN_SIZE, max = MAX_SIZE): Map<string, number> {
  const out = new Map<string, number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of metrics) {
    const v = m[metric];
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  for (const m of metrics) {
    const v = m[metric];
    if (!Number.isFinite(v) || hi <= lo) {
      out.set(m.id, Math.round((min + max) / 2));
      continue;
    }
    const t = Math.sqrt((v - lo) / (hi - lo));
    out.set(m.id, Math.round(min + t * (max - min)));
  }
  return out;
}

/** byMetric orders nodes by a metric, highest first, ties by id. */
export function byMetric(metrics: readonly NodeMetrics[], metric: MetricName): NodeMetrics[] {
  return [...metrics].sort((a, b) => b[metric] - a[metric] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * labelled picks the nodes that keep their label in the overview: the `k`
 * most central overall and the most central of each of the coloured
 * communities, so every cluster is named on screen. The rest show on hover.
 */
export function labelled(metrics: readonly NodeMetrics[], metric: MetricName, k: number, communities: readonly Community[] = []): Set<string> {
  const order = byMetric(metrics, metric);
  const out = new Set(order.slice(0, k).map((m) => m.id));
  const coloured = new Set(ranked(communities).slice(0, PALETTE.length).map((c) => c.id));
  const seen = new Set<string>();
  for (const m of order) {
    if (m.community === null || !coloured.has(m.community) || seen.has(m.community)) continue;
    seen.add(m.community);
    out.add(m.id);
  }
  return out;
}

export interface Point {
  x: number;
  y: number;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

/**
 * clusterLayout places every community as one round cluster: inside it the
 * nodes lie on a sunflower spiral, most central in the middle; the clusters,
 * largest first, are packed outwards along a spiral without overlapping.
 * Nodes without a community form one cluster of their own. Deterministic and
 * linear in the nodes (quadratic only in the number of clusters), so it is
 * instant at 5,000 nodes where a force layout takes seconds.
 */
export function clusterLayout(metrics: readonly NodeMetrics[], metric: MetricName, spacing = 34): Map<string, Point> {
  const groups = new Map<string, NodeMetrics[]>();
  for (const m of byMetric(metrics, metric)) {
    const key = m.community ?? '\u0000none';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(m);
  }
  const order = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const placed: { c: Point; r: number }[] = [];
  const out = new Map<string, Point>();
  const gap = spacing * 1.5;
  for (const [, members] of order) {
    const r = spacing * Math.sqrt(members.length) * 0.62 + spacing / 2;
    const centre = placeCircle(placed, r, gap, spacing / 2);
    placed.push({ c: centre, r });
    members.forEach((m, i) => {
      const d = spacing * 0.62 * Math.sqrt(i + (i === 0 ? 0 : 0.5));
      const a = i * GOLDEN_ANGLE;
      out.set(m.id, { x: centre.x + d * Math.cos(a), y: centre.y + d * Math.sin(a) });
    });
  }
  return out;
}

/** placeCircle walks a spiral out from the origin to the first spot where a circle of radius r overlaps none placed. */
function placeCircle(placed: readonly { c: Point; r: number }[], r: number, gap: number, step: number): Point {
  if (placed.length === 0) return { x: 0, y: 0 };
  for (let t = 0; ; t += 0.15) {
    const d = (step * t) / (2 * Math.PI) * 2;
    const p = { x: d * Math.cos(t), y: d * Math.sin(t) };
    if (placed.every((q) => Math.hypot(p.x - q.c.x, p.y - q.c.y) >= q.r + r + gap)) return p;
  }
}

/** formatMetric shows a metric's value compactly (integers as they are, fractions to 3 significant digits). */
export function formatMetric(metric: MetricName, v: number): string {
  if (metric === 'degree' || Number.isInteger(v)) return String(v);
  return v === 0 ? '0' : v.toPrecision(3);
}
