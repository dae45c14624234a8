import { describe, expect, test } from 'vitest';
import { cellKey, chartSvg, defaultMovements, findCell, movementTotals, shapeChart, type Cell } from './tensions';

const T1 = { id: 't-co', name: 'Co-option' };
const T2 = { id: 't-ev', name: 'Evidence' };
const A = { id: 'aids', name: 'AIDS <activism>' };
const B = { id: 'bc', name: 'Breast cancer' };
const C = { id: 'dis', name: 'Disability' };

function cell(tension: typeof T1, movement: typeof A, decade: number | null, count: number): Cell {
  const episodes = Array.from({ length: count }, (_, i) => ({
    id: `${tension.id}-${movement.id}-${decade}-${i}`,
    type: 'CHALLENGED',
    year: decade === null ? null : decade + i,
    summary: null,
    from: movement,
    to: { id: 'fda', name: 'FDA' },
    sources: [{ title: 'A source', url: 'https://example.org/s' }],
  }));
  return { tension, movement, decade, count, episodes };
}

const cells: Cell[] = [
  cell(T1, A, 1980, 3),
  cell(T1, A, 2000, 1),
  cell(T1, B, 1990, 2),
  cell(T2, A, null, 1),
  cell(T2, C, 1970, 1),
  cell(T2, B, 1990, 1),
];

describe('chart data', () => {
  test('movement totals, most episodes first', () => {
    expect(movementTotals(cells).map((t) => [t.movement.id, t.count])).toEqual([
      ['aids', 5],
      ['bc', 3],
      ['dis', 1],
    ]);
    expect(defaultMovements(cells, 2)).toEqual(['aids', 'bc']);
  });

  test('every tension, the chosen movements, a continuous decade axis with undated last', () => {
    const c = shapeChart(cells, ['aids', 'bc']);
    expect(c.movements.map((m) => m.id)).toEqual(['aids', 'bc']);
    // 1970 only belongs to a movement not chosen, so the axis starts in 1980.
    expect(c.decades).toEqual([1980, 1990, 2000, null]);
    expect(c.tensions.map((t) => t.tension.name)).toEqual(['Co-option', 'Evidence']);
    const co = c.tensions[0];
    expect(co.total).toBe(6);
    expect(co.groups.map((g) => g.bars.map((b) => b.count))).toEqual([
      [3, 0],
      [0, 2],
      [1, 0],
      [0, 0],
    ]);
    expect(c.tensions[1].groups[3].bars[0].cell?.episodes).toHaveLength(1);
    expect(c.max).toBe(3);
  });

  test('a bar finds its cell again', () => {
    const c = shapeChart(cells, ['aids', 'bc']);
    expect(findCell(c, cellKey('t-co', 'bc', 1990))?.count).toBe(2);
    expect(findCell(c, cellKey('t-ev', 'aids', null))?.decade).toBeNull();
    expect(findCell(c, cellKey('t-ev', 'dis', 1970))).toBeNull();
  });

  test('no movement chosen: no bars, tensions still listed', () => {
    const c = shapeChart(cells, []);
    expect(c.decades).toEqual([]);
    expect(c.tensions).toHaveLength(2);
    expect(c.max).toBe(0);
  });
});

describe('chart drawing', () => {
  const c = shapeChart(cells, ['aids', 'bc']);
  const svg = chartSvg(c, c.tensions[0], { width: 400, height: 120 });

  test('one focusable bar per non-empty cell, named for screen readers and escaped', () => {
    const bars = svg.match(/<rect class="bar"[^>]*>/g) ?? [];
    expect(bars).toHaveLength(3);
    expect(svg).toContain(`data-cell="${cellKey('t-co', 'aids', 1980)}"`);
    expect(svg).toContain('aria-label="AIDS &lt;activism&gt;, 1980s: 3 episodes of Co-option"');
    expect(svg).not.toContain('<activism>');
    expect(bars.every((b) => b.includes('tabindex="0"') && b.includes('role="button"'))).toBe(true);
  });

  test('bars share the scale: the tallest bar spans the plot, one of three is a third as tall', () => {
    const h = (key: string) => Number(new RegExp(`data-cell="${key.replace(/\|/g, '\\|')}"[^>]*height="([0-9.]+)"`).exec(svg)![1]);
    const tall = h(cellKey('t-co', 'aids', 1980));
    expect(h(cellKey('t-co', 'aids', 2000))).toBeCloseTo(tall / 3, 0);
    expect(tall).toBeCloseTo(120 - 6 - 18, 0);
  });

  test('decade labels on the axis', () => {
    expect(svg).toContain('>1980s<');
    expect(svg).toContain('>undated<');
  });
});
