import { expect, test } from 'vitest';
import { barWidth, otherEnd, tensionRows, timelineRows, type Comparison, type TimelineItem } from './compare';

const ref = (id: string) => ({ id, name: id.toUpperCase() });
const item = (id: string, year: number, from: string, to: string): TimelineItem => ({ id, type: 'CHALLENGED', year, summary: null, from: ref(from), to: ref(to) });

const c: Comparison = {
  a: {
    movement: ref('aids'),
    members: [ref('act-up')],
    tensions: [
      { tension: ref('co-option'), count: 4 },
      { tension: ref('evidence'), count: 1 },
    ],
    timeline: [item('r2', 1989, 'act-up', 'fda'), item('r1', 1987, 'aids', 'nih'), item('r3', 2001, 'aids', 'who')],
  },
  b: {
    movement: ref('bc'),
    members: [],
    tensions: [
      { tension: ref('evidence'), count: 5 },
      { tension: ref('autonomy'), count: 1 },
    ],
    timeline: [item('r9', 1993, 'nci', 'bc')],
  },
  sharedInstitutions: [ref('fda')],
  sharedOrganisations: [],
};

test('tension profiles side by side: every tension of either, most episodes first', () => {
  expect(tensionRows(c).map((r) => [r.tension.id, r.a, r.b])).toEqual([
    ['evidence', 1, 5],
    ['co-option', 4, 0],
    ['autonomy', 0, 1],
  ]);
});

test('bars of both columns share one scale', () => {
  const rows = tensionRows(c);
  expect(barWidth(5, rows)).toBe(100);
  expect(barWidth(1, rows)).toBe(20);
  expect(barWidth(0, [])).toBe(0);
});

test('timelines line up by decade, oldest first, each side by year', () => {
  const rows = timelineRows(c);
  expect(rows.map((r) => r.decade)).toEqual([1980, 1990, 2000]);
  expect(rows[0].a.map((i) => i.id)).toEqual(['r1', 'r2']);
  expect(rows[0].b).toEqual([]);
  expect(rows[1].b.map((i) => i.id)).toEqual(['r9']);
});

test('the other end of a timeline relationship is the one that is not the movement', () => {
  expect(otherEnd(item('x', 1990, 'aids', 'fda'), 'aids').id).toBe('fda');
  expect(otherEnd(item('x', 1990, 'nci', 'bc'), 'bc').id).toBe('nci');
  expect(otherEnd(item('x', 1990, 'act-up', 'fda'), 'aids').id).toBe('fda');
});
