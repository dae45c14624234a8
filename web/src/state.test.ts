import { describe, expect, it } from 'vitest';
import {
  addElements,
  collapse,
  counts,
  diff,
  edgeVisible,
  emptyView,
  existsAsOf,
  exportUrl,
  gephiLiteUrl,
  neighbours,
  removeNodes,
  replaceEdgesAmong,
  togglePin,
  visible,
  type GEdge,
  type GNode,
  type View,
} from './state';

const N = (id: string, kind: GNode['kind'] = 'ORGANISATION', year: number | null = null): GNode => ({ id, kind, name: id.toUpperCase(), year });
const E = (from: string, type: GEdge['type'], to: string, year: number | null = null): GEdge => ({
  id: `${from}:${type}:${to}`,
  type,
  from,
  to,
  year,
  summary: null,
});

/** A small view: act-up (1987) challenged fda (1988), partnered with prepster (2016); aids-movement part. */
function sample(): View {
  const v = emptyView();
  addElements(
    v,
    [N('act-up', 'ORGANISATION', 1987), N('fda', 'INSTITUTION'), N('prepster', 'ORGANISATION', 2015), N('aids-movement', 'MOVEMENT', 1981), N('nhs-england', 'INSTITUTION', 2013)],
    [
      E('act-up', 'CHALLENGED', 'fda', 1988),
      E('act-up', 'PARTNERED_WITH', 'prepster', 2016),
      E('act-up', 'PART_OF', 'aids-movement'),
      E('prepster', 'CHALLENGED', 'nhs-england', 2016),
    ],
  );
  return v;
}

describe('existsAsOf', () => {
  it('treats undated things as timeless and dated ones as existing from their year', () => {
    expect(existsAsOf(null, 1900)).toBe(true);
    expect(existsAsOf(1987, null)).toBe(true);
    expect(existsAsOf(1987, 1987)).toBe(true);
    expect(existsAsOf(1987, 1986)).toBe(false);
  });
});

describe('addElements', () => {
  it('keeps only relationships whose endpoints are both in view and reports what is new', () => {
    const v = emptyView();
    const first = addElements(v, [N('a'), N('b')], [E('a', 'FUNDED_BY', 'b'), E('a', 'FUNDED_BY', 'zz')]);
    expect(first).toEqual({ nodes: ['a', 'b'], edges: ['a:FUNDED_BY:b'] });
    expect([...v.edges.keys()]).toEqual(['a:FUNDED_BY:b']);
    const again = addElements(v, [N('b'), N('zz')], [E('a', 'FUNDED_BY', 'zz'), E('a', 'FUNDED_BY', 'b')]);
    expect(again).toEqual({ nodes: ['zz'], edges: ['a:FUNDED_BY:zz'] });
    expect(v.nodes.size).toBe(3);
    expect(v.edges.size).toBe(2);
  });

  it('updates a node already in view rather than duplicating it', () => {
    const v = emptyView();
    addElements(v, [N('a')], []);
    addElements(v, [{ ...N('a'), name: 'Renamed' }], []);
    expect(v.nodes.size).toBe(1);
    expect(v.nodes.get('a')?.name).toBe('Renamed');
  });
});

describe('removeNodes', () => {
  it('drops the nodes, their relationships, pins, the selection and path ends', () => {
    const v = sample();
    v.pinned.add('fda');
    v.selected = 'fda';
    v.pathFrom = 'fda';
    v.pathTo = 'act-up';
    expect(removeNodes(v, ['fda', 'not-there'])).toEqual(['fda']);
    expect(v.nodes.has('fda')).toBe(false);
    expect([...v.edges.keys()].some((id) => id.includes('fda'))).toBe(false);
    expect(v.pinned.size).toBe(0);
    expect(v.selected).toBeNull();
    expect(v.pathFrom).toBeNull();
    expect(v.pathTo).toBe('act-up');
  });
});

describe('collapse', () => {
  it('removes only the neighbours that hang off the node alone', () => {
    const v = sample();
    // fda and aids-movement hang off act-up; prepster is also linked to nhs-england.
    expect(collapse(v, 'act-up').sort()).toEqual(['aids-movement', 'fda']);
    expect([...v.nodes.keys()].sort()).toEqual(['act-up', 'nhs-england', 'prepster']);
    expect(neighbours(v, 'act-up')).toEqual(['prepster']);
  });

  it('keeps pinned neighbours', () => {
    const v = sample();
    togglePin(v, 'fda');
    expect(collapse(v, 'act-up')).toEqual(['aids-movement']);
    expect(v.nodes.has('fda')).toBe(true);
  });

  it('does nothing for a node not in view', () => {
    const v = sample();
    expect(collapse(v, 'nope')).toEqual([]);
    expect(v.nodes.size).toBe(5);
  });
});

describe('togglePin', () => {
  it('pins and unpins nodes in view only', () => {
    const v = sample();
    expect(togglePin(v, 'fda')).toBe(true);
    expect(v.pinned.has('fda')).toBe(true);
    expect(togglePin(v, 'fda')).toBe(false);
    expect(v.pinned.has('fda')).toBe(false);
    expect(togglePin(v, 'ghost')).toBe(false);
    expect(v.pinned.has('ghost')).toBe(false);
  });
});

describe('visible', () => {
  it('shows everything without filters', () => {
    const v = sample();
    expect(visible(v)).toEqual({
      nodes: ['act-up', 'aids-movement', 'fda', 'nhs-england', 'prepster'],
      edges: ['act-up:CHALLENGED:fda', 'act-up:PARTNERED_WITH:prepster', 'act-up:PART_OF:aids-movement', 'prepster:CHALLENGED:nhs-england'],
    });
  });

  it('hides kinds, and the relationships that touch hidden nodes', () => {
    const v = sample();
    v.hiddenKinds.add('INSTITUTION');
    const vis = visible(v);
    expect(vis.nodes).toEqual(['act-up', 'aids-movement', 'prepster']);
    expect(vis.edges).toEqual(['act-up:PARTNERED_WITH:prepster', 'act-up:PART_OF:aids-movement']);
  });

  it('hides relationship types but keeps their nodes', () => {
    const v = sample();
    v.hiddenTypes.add('CHALLENGED');
    const vis = visible(v);
    expect(vis.nodes).toHaveLength(5);
    expect(vis.edges).toEqual(['act-up:PARTNERED_WITH:prepster', 'act-up:PART_OF:aids-movement']);
  });

  it('shows the graph as it stood in a year', () => {
    const v = sample();
    v.year = 1990;
    const vis = visible(v);
    // prepster (2015) and nhs-england (2013) did not exist yet; fda is undated.
    expect(vis.nodes).toEqual(['act-up', 'aids-movement', 'fda']);
    expect(vis.edges).toEqual(['act-up:CHALLENGED:fda', 'act-up:PART_OF:aids-movement']);
    v.year = 1987;
    expect(visible(v).edges).toEqual(['act-up:PART_OF:aids-movement']);
    v.year = 1980;
    expect(visible(v).nodes).toEqual(['fda']);
  });

  it('hides an edge whose endpoint is missing from the view', () => {
    const v = sample();
    const ghost = E('act-up', 'LED', 'ghost');
    expect(edgeVisible(v, ghost)).toBe(false);
  });
});

describe('replaceEdgesAmong', () => {
  it('swaps the relationships of the given nodes for a fresh answer', () => {
    const v = sample();
    replaceEdgesAmong(v, ['act-up'], [E('act-up', 'CHALLENGED', 'fda', 1988)]);
    expect([...v.edges.keys()].sort()).toEqual(['act-up:CHALLENGED:fda', 'prepster:CHALLENGED:nhs-england']);
  });
});

describe('diff', () => {
  it('lists additions and removals', () => {
    expect(diff(['a', 'b', 'c'], ['b', 'c', 'd', 'e'])).toEqual({ add: ['d', 'e'], remove: ['a'] });
    expect(diff([], [])).toEqual({ add: [], remove: [] });
  });
});

describe('counts', () => {
  it('tallies kinds and types in view', () => {
    const c = counts(sample());
    expect(c.kinds.get('INSTITUTION')).toBe(2);
    expect(c.kinds.get('MOVEMENT')).toBe(1);
    expect(c.kinds.get('PERSON')).toBeUndefined();
    expect(c.types.get('CHALLENGED')).toBe(2);
  });
});

describe('exportUrl', () => {
  it('asks /export for the visible nodes at depth 0', () => {
    const v = sample();
    expect(exportUrl(v, 'GRAPHML')).toBe(
      '/export?format=graphml&seed=act-up&seed=aids-movement&seed=fda&seed=nhs-england&seed=prepster&depth=0',
    );
  });

  it('carries the year and the kinds and types still shown', () => {
    const v = sample();
    v.year = 1990;
    v.hiddenKinds = new Set(['PERSON', 'EVENT', 'TENSION', 'REPORT']);
    v.hiddenTypes = new Set(['PART_OF']);
    const u = new URL(exportUrl(v, 'CSV'), 'http://x');
    expect(u.pathname).toBe('/export');
    expect(u.searchParams.get('format')).toBe('csv');
    expect(u.searchParams.getAll('seed')).toEqual(['act-up', 'aids-movement', 'fda']);
    expect(u.searchParams.get('depth')).toBe('0');
    expect(u.searchParams.get('asOf')).toBe('1990');
    expect(u.searchParams.getAll('kind')).toEqual(['MOVEMENT', 'ORGANISATION', 'INSTITUTION']);
    expect(u.searchParams.getAll('type')).not.toContain('PART_OF');
    expect(u.searchParams.getAll('type')).toHaveLength(14);
  });

  it('escapes odd ids', () => {
    const v = emptyView();
    addElements(v, [N('a&b=c')], []);
    expect(new URL(exportUrl(v, 'JSON'), 'http://x').searchParams.getAll('seed')).toEqual(['a&b=c']);
  });
});

describe('scale', () => {
  it('computes visibility for 1,000 nodes and 3,000 relationships', () => {
    const v = emptyView();
    const nodes: GNode[] = [];
    const edges: GEdge[] = [];
    for (let i = 0; i < 1000; i++) nodes.push(N(`n${i}`, i % 2 ? 'ORGANISATION' : 'EVENT', 1950 + (i % 70)));
    for (let i = 0; i < 3000; i++) edges.push(E(`n${i % 1000}`, 'PARTNERED_WITH', `n${(i * 7 + 1) % 1000}`, 1960 + (i % 60)));
    addElements(v, nodes, edges);
    expect(visible(v).nodes).toHaveLength(1000);
    v.hiddenKinds.add('EVENT');
    const vis = visible(v);
    expect(vis.nodes).toHaveLength(500);
    for (const id of vis.edges) {
      const e = v.edges.get(id)!;
      expect(v.nodes.get(e.from)!.kind).toBe('ORGANISATION');
      expect(v.nodes.get(e.to)!.kind).toBe('ORGANISATION');
    }
  });
});

describe('gephiLiteUrl', () => {
  it('opens the GEXF export of the view, on the page\'s own origin, in Gephi Lite', () => {
    const v = sample();
    const link = gephiLiteUrl(v, 'https://hmkg.example.org/?n=act-up&sel=act-up#details');
    expect(link).toBe(
      'https://gephi.org/gephi-lite/?file=' +
        encodeURIComponent('https://hmkg.example.org' + exportUrl(v, 'GEXF')),
    );
    const file = new URL(link!).searchParams.get('file')!;
    const u = new URL(file);
    expect(u.origin).toBe('https://hmkg.example.org');
    expect(u.pathname).toBe('/export');
    expect(u.searchParams.get('format')).toBe('gexf');
    expect(u.searchParams.getAll('seed')).toEqual(['act-up', 'aids-movement', 'fda', 'nhs-england', 'prepster']);
    expect(u.searchParams.get('depth')).toBe('0');
    expect(u.searchParams.has('asOf')).toBe(false);
  });

  it('follows the year and filters like the GEXF button, and escapes odd ids once', () => {
    const v = sample();
    addElements(v, [N('a&b=c?d#e', 'ORGANISATION', 1980)], []);
    v.year = 1990;
    v.hiddenKinds = new Set(['INSTITUTION']);
    const link = gephiLiteUrl(v, 'http://127.0.0.1:8080/');
    // Nothing of the export URL leaks into Gephi Lite's own query string.
    expect([...new URL(link!).searchParams.keys()]).toEqual(['file']);
    const u = new URL(new URL(link!).searchParams.get('file')!);
    expect(u.origin).toBe('http://127.0.0.1:8080');
    expect(u.searchParams.getAll('seed')).toEqual(['a&b=c?d#e', 'act-up', 'aids-movement']);
    expect(u.searchParams.get('asOf')).toBe('1990');
    expect(u.searchParams.getAll('kind')).not.toContain('INSTITUTION');
    expect(u.pathname + u.search).toBe(exportUrl(v, 'GEXF'));
  });

  it('is null when nothing is in view', () => {
    expect(gephiLiteUrl(emptyView(), 'https://hmkg.example.org/')).toBeNull();
    const v = sample();
    v.hiddenKinds = new Set(['ORGANISATION', 'INSTITUTION', 'MOVEMENT']);
    expect(gephiLiteUrl(v, 'https://hmkg.example.org/')).toBeNull();
  });
});
