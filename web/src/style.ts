// style.ts: how each kind looks (colour and shape), shared by the graph and the legend.

import { DISPUTE_STYLE } from './disputes';
import { KINDS, type Kind, type NodeKind } from './vocab';

export interface KindLook {
  label: string;
  colour: string;
  /** A Cytoscape node shape. */
  shape: 'ellipse' | 'round-rectangle' | 'rectangle' | 'tag' | 'triangle' | 'diamond' | 'star' | 'hexagon';
}

// Okabe-Ito colours stay distinguishable for the common colour-vision
// deficiencies; the shapes carry the kind for everybody else.
// A kind without an entry (new in the schema, or sent by a newer server)
// gets GENERIC_LOOK with its raw name as the label: see lookOf.
export const LOOK: Partial<Record<NodeKind, KindLook>> = {
  MOVEMENT: { label: 'Movement', colour: '#D55E00', shape: 'ellipse' },
  ORGANISATION: { label: 'Organisation', colour: '#0072B2', shape: 'round-rectangle' },
  INSTITUTION: { label: 'Institution', colour: '#4D4D4D', shape: 'rectangle' },
  REPORT: { label: 'Report', colour: '#009E73', shape: 'tag' },
  PERSON: { label: 'Person', colour: '#CC79A7', shape: 'triangle' },
  EVENT: { label: 'Event', colour: '#E69F00', shape: 'diamond' },
  TENSION: { label: 'Tension', colour: '#56B4E9', shape: 'star' },
};

/** GENERIC_LOOK draws a kind the dashboard has no look for: grey, hexagonal. */
export const GENERIC_LOOK: Omit<KindLook, 'label'> = { colour: '#999999', shape: 'hexagon' };

/** lookOf is how a kind is drawn and named; a kind without a look is drawn generically, named as the server names it. */
export function lookOf(kind: Kind): KindLook {
  return LOOK[kind as NodeKind] ?? { ...GENERIC_LOOK, label: kind };
}

/** legendSvg draws a kind's shape as a small inline SVG for the legend and lists. */
export function legendSvg(kind: Kind, size = 16): string {
  const { colour, shape } = lookOf(kind);
  const s = size;
  let body: string;
  switch (shape) {
    case 'ellipse':
      body = `<circle cx="${s / 2}" cy="${s / 2}" r="${s / 2 - 1}"/>`;
      break;
    case 'round-rectangle':
      body = `<rect x="1" y="3" width="${s - 2}" height="${s - 6}" rx="4"/>`;
      break;
    case 'rectangle':
      body = `<rect x="1" y="3" width="${s - 2}" height="${s - 6}"/>`;
      break;
    case 'tag':
      body = `<polygon points="1,3 ${s - 5},3 ${s - 1},${s / 2} ${s - 5},${s - 3} 1,${s - 3}"/>`;
      break;
    case 'triangle':
      body = `<polygon points="${s / 2},1 ${s - 1},${s - 1} 1,${s - 1}"/>`;
      break;
    case 'diamond':
      body = `<polygon points="${s / 2},1 ${s - 1},${s / 2} ${s / 2},${s - 1} 1,${s / 2}"/>`;
      break;
    case 'hexagon':
      body = `<polygon points="${s / 4},1 ${(3 * s) / 4},1 ${s - 1},${s / 2} ${(3 * s) / 4},${s - 1} ${s / 4},${s - 1} 1,${s / 2}"/>`;
      break;
    case 'star': {
      const pts: string[] = [];
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? s / 2 - 0.5 : s / 5;
        const a = (Math.PI / 5) * i - Math.PI / 2;
        pts.push(`${(s / 2 + r * Math.cos(a)).toFixed(1)},${(s / 2 + r * Math.sin(a)).toFixed(1)}`);
      }
      body = `<polygon points="${pts.join(' ')}"/>`;
      break;
    }
  }
  return `<svg width="${s}" height="${s}" viewBox="0 0 ${s} ${s}" aria-hidden="true" focusable="false" fill="${colour}">${body}</svg>`;
}

/** cyStyle is the Cytoscape stylesheet: colour and shape by kind, states as classes. */
export function cyStyle(): unknown[] {
  const byKind = KINDS.filter((k) => LOOK[k] !== undefined).map((k) => ({
    selector: `node[kind = "${k}"]`,
    style: { 'background-color': lookOf(k).colour, shape: lookOf(k).shape },
  }));
  return [
    {
      selector: 'node',
      style: {
        label: 'data(name)',
        // Kinds without a look of their own (see byKind) are drawn generically.
        'background-color': GENERIC_LOOK.colour,
        shape: GENERIC_LOOK.shape,
        width: 26,
        height: 26,
        'font-size': 11,
        'font-family': 'system-ui, sans-serif',
        color: '#1a1a1a',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': 'ellipsis',
        'text-max-width': '120px',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.75,
        'text-background-padding': '1px',
        'min-zoomed-font-size': 7,
        'border-width': 1,
        'border-color': '#ffffff',
      },
    },
    ...byKind,
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': '#9aa4ad',
        'target-arrow-color': '#9aa4ad',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: '',
        'font-size': 9,
        color: '#444',
      },
    },
    { selector: 'edge.labelled', style: { label: 'data(label)', 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.8 } },
    ...DISPUTE_STYLE,
    { selector: '.hidden', style: { display: 'none' } },
    { selector: 'node.pinned', style: { 'border-width': 3, 'border-color': '#111', 'border-style': 'double' } },
    { selector: 'edge.path', style: { 'line-color': '#b5179e', 'target-arrow-color': '#b5179e', width: 4, 'z-index': 10 } },
    { selector: 'node.path', style: { 'border-color': '#b5179e', 'border-width': 4 } },
    { selector: 'node.selected', style: { 'border-width': 4, 'border-color': '#ffbf00', 'overlay-opacity': 0 } },
    { selector: 'edge.selected', style: { 'line-color': '#ffbf00', 'target-arrow-color': '#ffbf00', width: 4 } },
    { selector: 'node:active, edge:active', style: { 'overlay-opacity': 0.1 } },
  ];
}
