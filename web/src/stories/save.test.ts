import { describe, expect, it } from 'vitest';
import { emptyView } from '../state';
import type { StepData } from './load';
import { stepInput, viewStep } from './save';

describe('viewStep', () => {
  it('shows the cited records in their neighbourhood, at the view’s year and filters, where they are drawn', () => {
    const v = emptyView();
    for (const [id, kind] of [['a', 'MOVEMENT'], ['b', 'ORGANISATION'], ['c', 'PERSON']] as const) v.nodes.set(id, { id, kind, name: id.toUpperCase(), year: null });
    v.edges.set('b:PART_OF:a', { id: 'b:PART_OF:a', type: 'PART_OF', from: 'b', to: 'a', year: 1990, summary: null });
    v.hiddenKinds = new Set(['PERSON']);
    v.year = 1995;
    v.highlight = { nodes: new Set(['a', 'gone']), edges: new Set(['b:PART_OF:a']) };
    const pos = new Map([['a', { x: 1.4, y: 2.6 }], ['b', { x: -3, y: 0 }], ['c', { x: 9, y: 9 }]]);
    const s = viewStep(v, pos, { nodes: [], edges: ['b:PART_OF:a'] }, '', 'B is *part of* A.');
    expect(s.title).toBeNull();
    expect(s.citedRelationshipIds).toEqual(['b:PART_OF:a']);
    expect(s.view.seeds).toEqual(['b', 'a']);
    expect(s.view.depth).toBe(1);
    expect(s.view.asOf).toBe(1995);
    expect(s.view.kinds).not.toContain('PERSON');
    expect(s.view.types).toBeNull();
    expect(s.view.highlightNodes).toEqual(['a']);
    // Only what is visible is pinned (the hidden person is not), rounded.
    expect(s.view.positions).toEqual([{ nodeId: 'a', x: 1, y: 3 }, { nodeId: 'b', x: -3, y: 0 }]);
  });
});

describe('stepInput', () => {
  it('gives a stored step back as it was written, so its recorded state is kept', () => {
    const step = {
      index: 0, title: 'T', caption: 'C', captionHtml: '<p>C</p>', stale: false, citedNodeIds: ['a'], citedRelationshipIds: [],
      view: { seeds: ['a'], depth: 2, kinds: [], types: ['LED'], asOf: null, highlightNodes: [], highlightRelationships: [], positions: [{ nodeId: 'a', x: 1, y: 2 }] },
      citedNodes: [], citedRelationships: [], changes: [],
    } as unknown as StepData;
    expect(stepInput(step)).toEqual({
      title: 'T', caption: 'C', citedNodeIds: ['a'], citedRelationshipIds: [],
      view: { seeds: ['a'], depth: 2, kinds: null, types: ['LED'], asOf: null, highlightNodes: [], highlightRelationships: [], positions: [{ nodeId: 'a', x: 1, y: 2 }] },
    });
  });
});
