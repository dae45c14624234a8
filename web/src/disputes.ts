// disputes.ts: contested claims in the dashboard. A DISPUTED or RETRACTED
// relationship is drawn dashed or dotted (edgeClass, DISPUTE_STYLE, the
// legend entry), and the details panel lists each side of a dispute with
// its sources (disputeView for the words, disputeSection for the DOM).

import type * as G from './generated/graphql';

/** Status is a relationship's status as the API sends it; a newer server may send one this dashboard does not know. */
export type Status = G.RelationshipStatus | string;

/** SourceRef is what the details panel shows of a source. */
export interface SourceRef {
  title: string;
  url: string;
  publisher?: string | null;
  year?: number | null;
  kind?: string | null;
}

/** DisputeData is a dispute as relationshipDetails fetches it. */
export interface DisputeData {
  claim: string;
  note?: string | null;
  positions: { says: string; sources: SourceRef[] }[];
}

/** contested reports whether a relationship's status is other than ASSERTED (includeDisputed: false leaves it out). */
export function contested(status: Status | null | undefined): boolean {
  return status !== null && status !== undefined && status !== '' && status !== 'ASSERTED';
}

/** edgeClass is the Cytoscape class that draws a relationship of this status, or null for an asserted one. */
export function edgeClass(status: Status | null | undefined): 'disputed' | 'retracted' | null {
  if (!contested(status)) return null;
  return status === 'RETRACTED' ? 'retracted' : 'disputed';
}

/** EDGE_CLASSES are every class edgeClass gives, so that a redraw can clear the old one. */
export const EDGE_CLASSES = ['disputed', 'retracted'] as const;

/** DISPUTE_STYLE is the stylesheet for contested relationships, after the plain edge style and before the selection states. */
export const DISPUTE_STYLE = [
  { selector: 'edge.disputed', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 4], 'line-color': '#a64d00', 'target-arrow-color': '#a64d00' } },
  { selector: 'edge.retracted', style: { 'line-style': 'dotted', 'line-color': '#999999', 'target-arrow-color': '#999999', opacity: 0.7 } },
];

/** statusLabel says a status in words for the details panel. */
export function statusLabel(status: Status): string {
  switch (status) {
    case 'ASSERTED':
      return 'Asserted';
    case 'DISPUTED':
      return 'Disputed: sources disagree about whether it holds';
    case 'RETRACTED':
      return 'Retracted';
    default:
      return status;
  }
}

/** sourceKindLabel names a source's kind, or '' when it is not recorded. */
export function sourceKindLabel(kind: string | null | undefined): string {
  switch (kind) {
    case 'PRIMARY':
      return 'primary';
    case 'SECONDARY':
      return 'secondary';
    case 'MIRROR':
      return 'mirror copy';
    case 'ARCHIVE':
      return 'archive';
    case null:
    case undefined:
    case '':
      return '';
    default:
      return kind.toLowerCase();
  }
}

/** DisputeView is a dispute in the words the panel shows. */
export interface DisputeView {
  claim: string;
  note: string | null;
  sides: { says: string; sources: { title: string; url: string; detail: string }[] }[];
}

/** disputeView puts a dispute into the panel's words: each side with its sources, each source with publisher, year and kind. */
export function disputeView(d: DisputeData): DisputeView {
  return {
    claim: d.claim,
    note: d.note ? d.note : null,
    sides: d.positions.map((p) => ({
      says: p.says,
      sources: p.sources.map((s) => ({
        title: s.title,
        url: s.url,
        detail: [s.publisher, s.year, sourceKindLabel(s.kind)].filter((x) => x !== null && x !== undefined && x !== '').join(', '),
      })),
    })),
  };
}

/** legendEntries are the legend lines for how relationships are drawn. */
export const LEGEND = [
  { cls: 'asserted', label: 'Asserted relationship', dash: '' },
  { cls: 'disputed', label: 'Disputed (sources disagree)', dash: '6 4' },
  { cls: 'retracted', label: 'Retracted', dash: '2 3' },
] as const;

/** legendSvg draws a short line in the style of a relationship status. */
export function legendLine(dash: string, colour: string): string {
  const d = dash ? ` stroke-dasharray="${dash}"` : '';
  return `<svg width="28" height="10" viewBox="0 0 28 10" aria-hidden="true" focusable="false"><line x1="1" y1="5" x2="27" y2="5" stroke="${colour}" stroke-width="2"${d}/></svg>`;
}

const LEGEND_COLOUR: Record<string, string> = { asserted: '#9aa4ad', disputed: '#a64d00', retracted: '#999999' };

/** disputeLegend builds the legend for relationship statuses. */
export function disputeLegend(): HTMLElement {
  const ul = document.createElement('ul');
  ul.className = 'dispute-legend';
  ul.id = 'dispute-legend';
  for (const l of LEGEND) {
    const li = document.createElement('li');
    li.dataset.status = l.cls;
    const icon = document.createElement('span');
    icon.innerHTML = legendLine(l.dash, LEGEND_COLOUR[l.cls]);
    li.append(icon, ` ${l.label}`);
    ul.append(li);
  }
  return ul;
}

/** disputeSection renders a relationship's or node's disputes for the details panel (empty fragment when none). */
export function disputeSection(disputes: readonly DisputeData[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  if (disputes.length === 0) return frag;
  const h = document.createElement('h4');
  h.textContent = `Disputes (${disputes.length})`;
  frag.append(h);
  for (const d of disputes.map(disputeView)) {
    const box = document.createElement('section');
    box.className = 'dispute';
    const claim = document.createElement('p');
    claim.className = 'claim';
    claim.textContent = d.claim;
    const sides = document.createElement('ol');
    sides.className = 'positions';
    for (const side of d.sides) {
      const li = document.createElement('li');
      li.className = 'position';
      const says = document.createElement('p');
      says.textContent = side.says;
      const ul = document.createElement('ul');
      ul.className = 'sources';
      for (const s of side.sources) {
        const sli = document.createElement('li');
        const href = safeHref(s.url);
        if (href) {
          const a = document.createElement('a');
          a.href = href;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          a.textContent = s.title;
          sli.append(a);
        } else {
          sli.append(s.title);
        }
        if (s.detail) sli.append(` (${s.detail})`);
        ul.append(sli);
      }
      li.append(says, ul);
      sides.append(li);
    }
    box.append(claim, sides);
    if (d.note) {
      const note = document.createElement('p');
      note.className = 'muted small';
      note.textContent = d.note;
      box.append(note);
    }
    frag.append(box);
  }
  return frag;
}

/** safeHref keeps a URL only when it is absolute http(s). */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
