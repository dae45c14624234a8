import { describe, expect, test } from 'vitest';
import {
  clusterLayout,
  communityColours,
  formatMetric,
  labelled,
  legend,
  MAX_SIZE,
  MIN_SIZE,
  nodeSizes,
  OTHER_COLOUR,
  PALETTE,
  type Community,
  type NodeMetrics,
} from './lens';

function m(id: string, community: string | null, pageRank: number, degree = 1): NodeMetrics {
  return { id, community, pageRank, degree, betweenness: 0, closeness: 0, eigenvector: 0, brokerage: 0 };
}

const comms = (sizes: number[]): Community[] => sizes.map((size, i) => ({ id: String(i), label: `c${i}`, size }));

describe('community colours and legend', () => {
  test('the largest communities get the palette in order; ties by id; the rest share the grey', () => {
    const cs: Community[] = [
      { id: 'b', label: 'B', size: 5 },
      { id: 'a', label: 'A', size: 5 },
      { id: 'big', label: 'Big', size: 9 },
      ...comms(Array(PALETTE.length).fill(1)).map((c) => ({ ...c, id: `s${c.id.padStart(2, '0')}` })),
    ];
    const col = communityColours(cs);
    expect(col.get('big')).toBe(PALETTE[0]);
    expect(col.get('a')).toBe(PALETTE[1]);
    expect(col.get('b')).toBe(PALETTE[2]);
    expect(col.get('s00')).toBe(PALETTE[3]);
    expect(col.get(`s${String(PALETTE.length - 1).padStart(2, '0')}`)).toBe(OTHER_COLOUR);
    expect(new Set([...col.values()].filter((c) => c !== OTHER_COLOUR)).size).toBe(PALETTE.length);
  });

  test('the legend lists coloured communities then one entry for the rest, with their node count', () => {
    const cs = comms([10, 8, ...Array(PALETTE.length + 1).fill(2)]);
    const l = legend(cs);
    expect(l).toHaveLength(PALETTE.length + 1);
    expect(l[0]).toEqual({ colour: PALETTE[0], label: 'c0', size: 10 });
    expect(l.at(-1)).toEqual({ colour: OTHER_COLOUR, label: '3 smaller communities', size: 6 });
    // Same colours as the drawing.
    const col = communityColours(cs);
    expect(l[1].colour).toBe(col.get('1'));
  });

  test('a legend of few communities has no "smaller" entry', () => {
    expect(legend(comms([3, 1])).map((e) => e.label)).toEqual(['c0', 'c1']);
  });
});

describe('node sizes', () => {
  test('area grows with the metric between the bounds (square-root scale)', () => {
    const s = nodeSizes([m('lo', null, 0), m('q', null, 0.25), m('hi', null, 1)], 'pageRank');
    expect(s.get('lo')).toBe(MIN_SIZE);
    expect(s.get('hi')).toBe(MAX_SIZE);
    expect(s.get('q')).toBe(Math.round(MIN_SIZE + 0.5 * (MAX_SIZE - MIN_SIZE)));
  });
  test('equal values give every node the middle size', () => {
    const s = nodeSizes([m('a', null, 0.5), m('b', null, 0.5)], 'pageRank');
    expect([...s.values()]).toEqual([39, 39]);
  });
});

describe('labels', () => {
  test('the k most central plus the most central of each coloured community', () => {
    const ms = [m('a', '0', 0.5), m('b', '0', 0.4), m('c', '0', 0.3), m('d', '1', 0.1), m('e', '1', 0.05)];
    expect([...labelled(ms, 'pageRank', 2, comms([3, 2]))].sort()).toEqual(['a', 'b', 'd']);
    expect([...labelled(ms, 'pageRank', 2)].sort()).toEqual(['a', 'b']);
  });
});

describe('cluster layout', () => {
  const ms: NodeMetrics[] = [];
  for (let c = 0; c < 4; c++) for (let i = 0; i < 5 + c * 10; i++) ms.push(m(`n${c}-${i}`, String(c), i === 0 ? 1 : 1 / (i + 2)));
  ms.push(m('loner', null, 0));
  const pos = clusterLayout(ms, 'pageRank');

  test('places every node, deterministically', () => {
    expect(pos.size).toBe(ms.length);
    expect(clusterLayout([...ms].reverse(), 'pageRank')).toEqual(pos);
  });

  test('communities do not overlap: each node is nearer its own centre than any other cluster reaches', () => {
    const groups = new Map<string, { x: number; y: number }[]>();
    for (const n of ms) {
      const k = n.community ?? '-';
      groups.set(k, [...(groups.get(k) ?? []), pos.get(n.id)!]);
    }
    const boxes = [...groups.values()].map((ps) => {
      const cx = ps[0].x;
      const cy = ps[0].y;
      const r = Math.max(...ps.map((p) => Math.hypot(p.x - cx, p.y - cy)));
      return { cx, cy, r };
    });
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const d = Math.hypot(boxes[i].cx - boxes[j].cx, boxes[i].cy - boxes[j].cy);
        expect(d).toBeGreaterThan(boxes[i].r + boxes[j].r);
      }
  });

  test('the most central node of a community sits at its centre', () => {
    const c3 = ms.filter((n) => n.community === '3').map((n) => pos.get(n.id)!);
    const mean = { x: c3.reduce((s, p) => s + p.x, 0) / c3.length, y: c3.reduce((s, p) => s + p.y, 0) / c3.length };
    const hub = pos.get('n3-0')!;
    const others = c3.slice(1).map((p) => Math.hypot(p.x - mean.x, p.y - mean.y));
    expect(Math.hypot(hub.x - mean.x, hub.y - mean.y)).toBeLessThan(Math.min(...others));
  });
});

test('formatMetric', () => {
  expect(formatMetric('degree', 12)).toBe('12');
  expect(formatMetric('pageRank', 0.0123456)).toBe('0.0123');
  expect(formatMetric('betweenness', 0)).toBe('0');
});
