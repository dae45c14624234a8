// tensions.ts: the tensions chart without the DOM. It shapes the cells of the
// API's tensionMatrix (episodes of a tension attributed to a movement in a
// decade) into small multiples, one per tension, with a group of bars per
// decade and one bar per chosen movement; and draws one small multiple as an
// SVG string. Every bar names its cell, so a click can list the episodes.

export interface Ref {
  id: string;
  name: string;
}

export interface EpisodeSource {
  title: string;
  url: string;
  publisher?: string | null;
  year?: number | null;
}

export interface Episode {
  id: string;
  type: string;
  year: number | null;
  summary: string | null;
  from: Ref;
  to: Ref;
  sources: EpisodeSource[];
}

export interface Cell {
  tension: Ref;
  movement: Ref;
  /** First year of the decade; null for undated episodes. */
  decade: number | null;
  count: number;
  episodes: Episode[];
}

export interface Bar {
  movement: Ref;
  count: number;
  /** The cell behind the bar; null when the movement has no episode there. */
  cell: Cell | null;
}

export interface DecadeGroup {
  decade: number | null;
  bars: Bar[];
}

export interface TensionChart {
  tension: Ref;
  total: number;
  groups: DecadeGroup[];
}

export interface Chart {
  /** The decades on the shared axis, oldest first, null (undated) last when any. */
  decades: (number | null)[];
  movements: Ref[];
  tensions: TensionChart[];
  /** The highest bar over every small multiple, so they share one scale. */
  max: number;
}

/** Colours of the movements' bars (Okabe-Ito, distinguishable for the common colour-vision deficiencies). */
export const SERIES = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'] as const;
export const MAX_SERIES = SERIES.length;

export function decadeLabel(d: number | null): string {
  return d === null ? 'undated' : `${d}s`;
}

/** cellKey names a cell (and its bar) in the drawing. */
export function cellKey(tension: string, movement: string, decade: number | null): string {
  return `${tension}|${movement}|${decade ?? 'undated'}`;
}

/** movementTotals counts each movement's episodes over every cell, most first (ties by name). */
export function movementTotals(cells: readonly Cell[]): { movement: Ref; count: number }[] {
  const m = new Map<string, { movement: Ref; count: number }>();
  for (const c of cells) {
    const t = m.get(c.movement.id) ?? { movement: c.movement, count: 0 };
    t.count += c.count;
    m.set(c.movement.id, t);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.movement.name.localeCompare(b.movement.name));
}

/** defaultMovements picks the `k` movements with most episodes. */
export function defaultMovements(cells: readonly Cell[], k = 3): string[] {
  return movementTotals(cells)
    .slice(0, k)
    .map((t) => t.movement.id);
}

/**
 * shapeChart builds the small multiples for the chosen movements (in the
 * order given, at most MAX_SERIES): every tension that has a cell, by name;
 * every decade from the first to the last seen (gaps included, so time reads
 * evenly), undated last when any. Cells of other movements are left out.
 */
export function shapeChart(cells: readonly Cell[], movementIds: readonly string[]): Chart {
  const chosen = movementIds.slice(0, MAX_SERIES);
  const refs = new Map<string, Ref>();
  const tensions = new Map<string, Ref>();
  const byKey = new Map<string, Cell>();
  let lo = Infinity;
  let hi = -Infinity;
  let undated = false;
  for (const c of cells) {
    tensions.set(c.tension.id, c.tension);
    if (!chosen.includes(c.movement.id)) continue;
    refs.set(c.movement.id, c.movement);
    byKey.set(cellKey(c.tension.id, c.movement.id, c.decade), c);
    if (c.decade === null) undated = true;
    else {
      lo = Math.min(lo, c.decade);
      hi = Math.max(hi, c.decade);
    }
  }
  const decades: (number | null)[] = [];
  if (Number.isFinite(lo)) for (let d = lo; d <= hi; d += 10) decades.push(d);
  if (undated) decades.push(null);
  const movements = chosen.filter((id) => refs.has(id)).map((id) => refs.get(id)!);
  let max = 0;
  const charts: TensionChart[] = [...tensions.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((tension) => {
      let total = 0;
      const groups = decades.map((decade) => ({
        decade,
        bars: movements.map((movement) => {
          const cell = byKey.get(cellKey(tension.id, movement.id, decade)) ?? null;
          const count = cell?.count ?? 0;
          total += count;
          max = Math.max(max, count);
          return { movement, count, cell };
        }),
      }));
      return { tension, total, groups };
    });
  return { decades, movements, tensions: charts, max };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface SvgOptions {
  width?: number;
  height?: number;
}

/**
 * chartSvg draws one tension's small multiple: grouped bars per decade on the
 * chart's shared scale, decade labels below, a light baseline. Each non-empty
 * bar is a focusable button (class "bar", data-cell = cellKey) with an
 * accessible name; empty bars are not drawn.
 */
export function chartSvg(chart: Chart, t: TensionChart, opts: SvgOptions = {}): string {
  const W = opts.width ?? 360;
  const H = opts.height ?? 120;
  const pad = { l: 22, r: 4, t: 6, b: 18 };
  const plotW = W - pad.l - pad.r;
  const plotH = H - pad.t - pad.b;
  const n = Math.max(1, chart.decades.length);
  const groupW = plotW / n;
  const barW = Math.max(2, Math.min(18, (groupW * 0.8) / Math.max(1, chart.movements.length)));
  const max = Math.max(1, chart.max);
  const y = (v: number) => pad.t + plotH - (v / max) * plotH;
  const parts: string[] = [];
  parts.push(`<line x1="${pad.l}" y1="${y(0)}" x2="${W - pad.r}" y2="${y(0)}" stroke="#8a94a0"/>`);
  parts.push(`<text x="${pad.l - 4}" y="${y(max) + 8}" text-anchor="end" font-size="10" fill="#5b6470">${max}</text>`);
  parts.push(`<text x="${pad.l - 4}" y="${y(0)}" text-anchor="end" font-size="10" fill="#5b6470">0</text>`);
  const labelEvery = Math.ceil(n / Math.max(1, Math.floor(plotW / 34)));
  t.groups.forEach((g, gi) => {
    const gx = pad.l + gi * groupW;
    const start = gx + (groupW - barW * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      if (b.count === 0 || !b.cell) return;
      const x = start + bi * barW;
      const top = y(b.count);
      const name = `${b.movement.name}, ${decadeLabel(g.decade)}: ${b.count} ${b.count === 1 ? 'episode' : 'episodes'} of ${t.tension.name}`;
      parts.push(
        `<rect class="bar" role="button" tabindex="0" aria-label="${esc(name)}" data-cell="${esc(cellKey(t.tension.id, b.movement.id, g.decade))}"` +
          ` x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(y(0) - top).toFixed(1)}"` +
          ` fill="${SERIES[bi % SERIES.length]}"><title>${esc(name)}</title></rect>`,
      );
    });
    if (gi % labelEvery === 0) {
      parts.push(`<text x="${(gx + groupW / 2).toFixed(1)}" y="${H - 4}" text-anchor="middle" font-size="10" fill="#5b6470">${esc(decadeLabel(g.decade))}</text>`);
    }
  });
  return (
    `<svg class="tension-chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="group" aria-label="${esc(`Episodes of ${t.tension.name} per decade`)}">` +
    parts.join('') +
    `</svg>`
  );
}

/** findCell finds the cell a bar names. */
export function findCell(chart: Chart, key: string): Cell | null {
  for (const t of chart.tensions) for (const g of t.groups) for (const b of g.bars) if (b.cell && cellKey(t.tension.id, b.movement.id, g.decade) === key) return b.cell;
  return null;
}
