import { describe, expect, it } from 'vitest';
import { citeLabel, citeLinkSpecs, citeUrl, nodeCitation, pathCitation, relCitation, safeName } from './cite';

describe('citeUrl', () => {
  it('cites a node alone at depth 0', () => {
    expect(citeUrl(nodeCitation('act-up'), 'bibtex')).toBe('/export?format=bibtex&seed=act-up&depth=0');
  });
  it('cites a relationship through its ends, its type and its year', () => {
    const r = { type: 'CHALLENGED', year: 1988, from: { id: 'act-up' }, to: { id: 'fda' } };
    expect(citeUrl(relCitation(r), 'ris')).toBe('/export?format=ris&seed=act-up&seed=fda&depth=0&type=CHALLENGED&asOf=1988');
    expect(citeUrl(relCitation({ ...r, year: null }), 'ris')).toBe('/export?format=ris&seed=act-up&seed=fda&depth=0&type=CHALLENGED');
  });
  it('cites a path through its nodes and types, each once', () => {
    const p = { nodes: [{ id: 'a' }, { id: 'b&c' }, { id: 'a' }], relationships: [{ type: 'LED' }, { type: 'LED' }] };
    expect(citeUrl(pathCitation(p), 'csljson')).toBe('/export?format=csljson&seed=a&seed=b%26c&depth=0&type=LED');
    expect(citeUrl(pathCitation(p, 1990), 'csljson')).toBe('/export?format=csljson&seed=a&seed=b%26c&depth=0&type=LED&asOf=1990');
  });
});

describe('citeLinkSpecs', () => {
  it('offers one download per format', () => {
    expect(citeLinkSpecs(nodeCitation('act-up'), 'act-up sources')).toEqual([
      { format: 'bibtex', label: 'BibTeX', href: '/export?format=bibtex&seed=act-up&depth=0', download: 'act-up_sources.bib' },
      { format: 'ris', label: 'RIS', href: '/export?format=ris&seed=act-up&depth=0', download: 'act-up_sources.ris' },
      { format: 'csljson', label: 'CSL-JSON', href: '/export?format=csljson&seed=act-up&depth=0', download: 'act-up_sources.csl.json' },
    ]);
    expect(citeLabel(1)).toBe('Cite this source: ');
    expect(citeLabel(3)).toBe('Cite these sources: ');
  });
  it('keeps file names safe', () => {
    expect(safeName('a/b "c"')).toBe('a_b_c_');
    expect(safeName('')).toBe('sources');
  });
});
