// cite.ts: "cite these sources": links that download, through GET /export,
// the citations (BibTeX, RIS or CSL-JSON) of the sources behind a node, a
// relationship or a path. /export selects by seeds at a depth, so:
// - a node: the node alone (seed, depth 0): exactly its sources;
// - a relationship: its two ends at depth 0, kept to its type (and its year
//   as asOf): its sources with those of its two ends;
// - a path: every node on it at depth 0, kept to the path's relationship
//   types: the sources of the path's nodes and relationships (and of any
//   other relationship of those types between them).

import { el } from './dom';

/** CITE_FORMATS are the citation formats, as /export names them, with a label. */
export const CITE_FORMATS = [
  { format: 'bibtex', label: 'BibTeX', ext: 'bib' },
  { format: 'ris', label: 'RIS', ext: 'ris' },
  { format: 'csljson', label: 'CSL-JSON', ext: 'csl.json' },
] as const;

export type CiteFormat = (typeof CITE_FORMATS)[number]['format'];

/** CiteSelection is what to cite: /export's seeds, with optional types and year. */
export interface CiteSelection {
  seeds: string[];
  types?: string[];
  asOf?: number | null;
}

/** citeUrl is the /export URL of the citations of sel in format. */
export function citeUrl(sel: CiteSelection, format: CiteFormat): string {
  const parts = [`format=${format}`];
  for (const s of new Set(sel.seeds)) parts.push(`seed=${encodeURIComponent(s)}`);
  parts.push('depth=0');
  for (const t of new Set(sel.types ?? [])) parts.push(`type=${encodeURIComponent(t)}`);
  if (sel.asOf !== undefined && sel.asOf !== null) parts.push(`asOf=${sel.asOf}`);
  return `/export?${parts.join('&')}`;
}

/** nodeCitation cites one node's sources. */
export function nodeCitation(id: string): CiteSelection {
  return { seeds: [id] };
}

/** relCitation cites a relationship (with its two ends). */
export function relCitation(r: { type: string; year: number | null; from: { id: string }; to: { id: string } }): CiteSelection {
  return { seeds: [r.from.id, r.to.id], types: [r.type], asOf: r.year };
}

/** pathCitation cites a path: its nodes, kept to its relationships' types (as of the view's year). */
export function pathCitation(p: { nodes: { id: string }[]; relationships: { type: string }[] }, asOf: number | null = null): CiteSelection {
  return { seeds: p.nodes.map((n) => n.id), types: p.relationships.map((r) => r.type), asOf };
}

/** CiteLink is one download link: its label, /export URL and file name. */
export interface CiteLink {
  format: CiteFormat;
  label: string;
  href: string;
  download: string;
}

/** citeLinkSpecs are the links of citeLinks; name is the file name without extension. */
export function citeLinkSpecs(sel: CiteSelection, name: string): CiteLink[] {
  return CITE_FORMATS.map((f) => ({ format: f.format, label: f.label, href: citeUrl(sel, f.format), download: `${safeName(name)}.${f.ext}` }));
}

/** citeLabel introduces the links. */
export function citeLabel(sourceCount: number): string {
  return sourceCount === 1 ? 'Cite this source: ' : 'Cite these sources: ';
}

/** citeLinks is the "Cite these sources" row: one download link per format; note (a tooltip) says what is included. */
export function citeLinks(sel: CiteSelection, name: string, sourceCount: number, note = ''): HTMLElement {
  const row = el('p', { className: 'cite', title: note });
  row.append(citeLabel(sourceCount));
  citeLinkSpecs(sel, name).forEach((l, i) => {
    if (i > 0) row.append(' · ');
    const a = el('a', { href: l.href, title: `Download the ${l.label} citations` }, l.label);
    a.setAttribute('download', l.download);
    a.dataset.cite = l.format;
    row.append(a);
  });
  return row;
}

/** safeName keeps a file name to letters, digits, "-", "_" and ".". */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'sources';
}
