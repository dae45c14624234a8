import { describe, expect, it } from 'vitest';
import { hops, hopText, relLabel, type PathRel } from './paths';

const node = (id: string, name: string) => ({ id, name, kind: 'ORGANISATION' });
const rel = (from: string, type: string, to: string, year: number | null = null): PathRel => ({
  id: `${from}:${type}:${to}`,
  type,
  year,
  summary: `${from} ${type} ${to}`,
  from: { id: from },
  to: { id: to },
  sources: [{ id: 's1', title: 'A source', url: 'https://example.org/s1' }],
});

describe('hops', () => {
  it('reads a path hop by hop, noting which way each relationship points', () => {
    const p = {
      nodes: [node('act-up', 'ACT UP'), node('prepster', 'PrEPster'), node('nhs-england', 'NHS England')],
      relationships: [rel('act-up', 'PARTNERED_WITH', 'prepster', 2016), rel('nhs-england', 'FUNDED_BY', 'prepster')],
    };
    const hs = hops(p);
    expect(hs).toHaveLength(2);
    expect(hs[0].forward).toBe(true);
    expect(hs[0].a.id).toBe('act-up');
    expect(hs[1].forward).toBe(false);
    expect(hopText(hs[0])).toBe('ACT UP —partnered with→ PrEPster (2016)');
    expect(hopText(hs[1])).toBe('PrEPster ←funded by— NHS England');
    expect(hs[1].rel.sources[0].url).toBe('https://example.org/s1');
  });

  it('accepts a zero-length path', () => {
    expect(hops({ nodes: [node('a', 'A')], relationships: [] })).toEqual([]);
  });

  it('rejects a path whose relationships do not join its nodes', () => {
    expect(() => hops({ nodes: [node('a', 'A'), node('b', 'B')], relationships: [rel('a', 'LED', 'c')] })).toThrow(/does not join/);
    expect(() => hops({ nodes: [node('a', 'A')], relationships: [rel('a', 'LED', 'b')] })).toThrow(/1 nodes and 1 relationships/);
  });
});

describe('relLabel', () => {
  it('reads relationship types as words', () => {
    expect(relLabel('CO_OPTED_BY')).toBe('co-opted by');
    expect(relLabel('INFLUENCED_POLICY_OF')).toBe('influenced policy of');
  });
});
