// Tests of the view state that moved out of main.ts into the model:
// selection, the highlighted path, clearing, the year slider's span, the
// status line, and kinds and types the dashboard does not know.
import { describe, expect, it } from 'vitest';
import {
  addElements,
  clearView,
  counts,
  emptyView,
  exportUrl,
  highlightPath,
  removeNodes,
  selectEdge,
  selectNode,
  setYearBounds,
  statusLine,
  visible,
  type View,
} from './state';

function small(): View {
  const v = emptyView();
  addElements(
    v,
    [
      { id: 'a', kind: 'MOVEMENT', name: 'A', year: 1980 },
      { id: 'b', kind: 'INSTITUTION', name: 'B', year: null },
      { id: 'p', kind: 'PLANET', name: 'P', year: 2000 },
    ],
    [
      { id: 'a:CHALLENGED:b', type: 'CHALLENGED', from: 'a', to: 'b', year: 1985, summary: null },
      { id: 'p:ORBITS:b', type: 'ORBITS', from: 'p', to: 'b', year: null, summary: null },
    ],
  );
  return v;
}

describe('selection', () => {
  it('selects a node or a relationship, never both', () => {
    const v = small();
    expect(selectEdge(v, 'a:CHALLENGED:b')).toBe('a:CHALLENGED:b');
    expect(v.selected).toBeNull();
    expect(selectNode(v, 'a')).toBe('a');
    expect(v.selectedEdge).toBeNull();
    expect(selectEdge(v, 'a:CHALLENGED:b')).toBe('a:CHALLENGED:b');
    expect(v.selected).toBeNull();
  });

  it('selects only what is in view', () => {
    const v = small();
    expect(selectNode(v, 'nope')).toBeNull();
    expect(selectEdge(v, 'nope')).toBeNull();
    selectNode(v, 'a');
    expect(selectNode(v, null)).toBeNull();
    expect(v.selected).toBeNull();
  });

  it('forgets a selected relationship whose end is removed', () => {
    const v = small();
    selectEdge(v, 'a:CHALLENGED:b');
    removeNodes(v, ['a']);
    expect(v.selectedEdge).toBeNull();
  });
});

describe('highlightPath and clearView', () => {
  it('highlights one path, then none', () => {
    const v = small();
    highlightPath(v, { nodes: [{ id: 'a' }, { id: 'b' }], relationships: [{ id: 'a:CHALLENGED:b' }] });
    expect([...v.highlight.nodes]).toEqual(['a', 'b']);
    expect([...v.highlight.edges]).toEqual(['a:CHALLENGED:b']);
    highlightPath(v);
    expect(v.highlight.nodes.size + v.highlight.edges.size).toBe(0);
  });

  it('clears nodes, relationships, selection, highlight and note, and keeps filters and year', () => {
    const v = small();
    v.year = 1990;
    v.hiddenKinds.add('PERSON');
    v.pinned.add('a');
    v.note = 'added 2 neighbours';
    selectEdge(v, 'a:CHALLENGED:b');
    highlightPath(v, { nodes: [{ id: 'a' }], relationships: [] });
    clearView(v);
    expect(v.nodes.size + v.edges.size + v.pinned.size).toBe(0);
    expect(v.selectedEdge).toBeNull();
    expect(v.highlight.nodes.size).toBe(0);
    expect(v.note).toBe('');
    expect(v.year).toBe(1990);
    expect([...v.hiddenKinds]).toEqual(['PERSON']);
  });
});

describe('setYearBounds', () => {
  it('spans the data, never short of this year', () => {
    const v = emptyView();
    setYearBounds(v, 1950, 2020, 2026);
    expect(v.yearBounds).toEqual({ min: 1950, max: 2026 });
    setYearBounds(v, null, null, 2026);
    expect(v.yearBounds).toEqual({ min: 1900, max: 2026 });
  });

  it('widens to the year the view is set to', () => {
    const v = emptyView();
    v.year = 1901;
    setYearBounds(v, 1950, 2030, 2026);
    expect(v.yearBounds).toEqual({ min: 1901, max: 2030 });
  });
});

describe('statusLine', () => {
  it('counts what is shown and hidden, with the year and the note', () => {
    const v = small();
    expect(statusLine(v)).toBe('3 nodes, 2 relationships shown');
    v.year = 1990;
    expect(statusLine(v)).toBe('2 nodes, 1 relationships shown (1 hidden by filters) · as of 1990');
    v.note = 'no new neighbours';
    expect(statusLine(v)).toBe('2 nodes, 1 relationships shown (1 hidden by filters) · as of 1990 · no new neighbours');
  });
});

describe('kinds and types the dashboard does not know', () => {
  it('are shown, counted and filtered like the others', () => {
    const v = small();
    expect(visible(v).nodes).toEqual(['a', 'b', 'p']);
    const c = counts(v);
    expect(c.kinds.get('PLANET')).toBe(1);
    expect(c.types.get('ORBITS')).toBe(1);
    v.hiddenKinds.add('PLANET');
    expect(visible(v)).toEqual({ nodes: ['a', 'b'], edges: ['a:CHALLENGED:b'] });
    v.hiddenKinds.clear();
    v.hiddenTypes.add('ORBITS');
    expect(visible(v).edges).toEqual(['a:CHALLENGED:b']);
  });

  it('stay in the export when a filter hides something else', () => {
    const v = small();
    v.hiddenKinds.add('PERSON');
    v.hiddenTypes.add('LED');
    const u = new URL(exportUrl(v, 'JSON'), 'http://x');
    expect(u.searchParams.getAll('kind')).toContain('PLANET');
    expect(u.searchParams.getAll('kind')).not.toContain('PERSON');
    expect(u.searchParams.getAll('type')).toContain('ORBITS');
    expect(u.searchParams.getAll('type')).not.toContain('LED');
  });
});
