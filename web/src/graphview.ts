// graphview.ts: the drawing. Cytoscape shows what the view model says is
// visible; draw() brings it in line in one batch, runLayout() places nodes,
// and taps, zoom and keyboard panning are wired here.

import { EDGE_CLASSES, edgeClass } from './disputes';
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import type { App, RenderOptions } from './app';
import { $ } from './dom';
import { visible, type GNode, type LayoutName, type View } from './state';
import { cyStyle } from './style';
import { relLabel } from './vocab';
import './cytoscape.css';

/** MAX_FIT_ZOOM caps the zoom that fitting a small view may choose. */
const MAX_FIT_ZOOM = 1.4;
/** FULL_LAYOUT_LIMIT: above this many nodes a change places new nodes locally instead of re-laying out all. */
export const FULL_LAYOUT_LIMIT = 300;
/** EDGE_LABEL_LIMIT: relationships are labelled only when this few are shown. */
const EDGE_LABEL_LIMIT = 25;

/** Element ids in the drawing: nodes and relationships live in one id space there. */
export const nid = (id: string) => `n:${id}`;
export const eid = (id: string) => `e:${id}`;

/** createCy makes the drawing in a container, with the fCoSE layout registered. */
export function createCy(container: HTMLElement): cytoscape.Core {
  claimCytoscapeStylesheet();
  // fCoSE (fast compound spring embedder) is the force-directed layout: it lays
  // out 1,000 nodes in a second or two where Cytoscape's built-in cose takes ~20 s.
  cytoscape.use(fcose);
  return cytoscape({
    container,
    // Cytoscape's WebGL renderer (3.31+) keeps thousands of nodes smooth; it is
    // used when the browser offers WebGL 2 and the URL does not say ?gl=0.
    webgl: useWebgl(),
    style: cyStyle() as cytoscape.StylesheetJson,
    minZoom: 0.05,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: 'single',
  });
}

/** The id of the <style> element Cytoscape adds to <head> unless an element with that id exists. */
export const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet';

/**
 * claimCytoscapeStylesheet keeps Cytoscape from adding an inline <style>
 * element, which the server's Content-Security-Policy (style-src 'self')
 * refuses: Cytoscape adds its one rule (its container class gets
 * position: relative) only when no element has CYTOSCAPE_STYLESHEET_ID, so
 * an empty <meta> takes that id, and the rule is in cytoscape.css.
 */
export function claimCytoscapeStylesheet(doc: Document = document): void {
  if (doc.getElementById(CYTOSCAPE_STYLESHEET_ID)) return;
  const claim = doc.createElement('meta');
  claim.id = CYTOSCAPE_STYLESHEET_ID;
  claim.name = 'hmkg-cytoscape-style';
  claim.content = 'in cytoscape.css (no inline style under the CSP)';
  doc.head.append(claim);
}

/**
 * useWebgl: WebGL 2 is available on a real GPU. A software rasteriser
 * (SwiftShader, llvmpipe: headless or GPU-less browsers) draws WebGL slower
 * than the canvas renderer does, so it gets the canvas. ?gl=0 forces the
 * canvas, ?gl=1 WebGL.
 */
export function useWebgl(): boolean {
  const force = new URLSearchParams(location.search).get('gl');
  if (force === '0') return false;
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl === null) return false;
    if (force === '1') return true;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return !/swiftshader|llvmpipe|software/i.test(renderer);
  } catch {
    return false;
  }
}

/** layoutOptions picks settings that stay quick for large views. */
function layoutOptions(cy: cytoscape.Core, view: View, name: LayoutName, count: number, randomize: boolean): cytoscape.LayoutOptions {
  const animate = count <= 150;
  const common = { name, animate, animationDuration: 300, fit: true, padding: 30 };
  switch (name) {
    case 'cose': {
      // Pinned nodes stay where the user left them.
      const fixed =
        view.pinned.size === 0
          ? undefined
          : cy
              .nodes()
              .filter((n) => view.pinned.has(n.data('ref') as string) && !n.hasClass('hidden'))
              .map((n) => ({ nodeId: n.id(), position: { ...(n as cytoscape.NodeSingular).position() } }));
      return {
        ...common,
        name: 'fcose',
        animate: animate ? 'end' : false,
        randomize,
        // 'draft' (spectral only) is kept for very large views, where 'default' takes too long.
        quality: count > 1500 ? 'draft' : 'default',
        nodeDimensionsIncludeLabels: count <= 200,
        nodeRepulsion: () => 6500,
        idealEdgeLength: () => 70,
        packComponents: true,
        fixedNodeConstraint: fixed && fixed.length > 0 ? fixed : undefined,
      } as unknown as cytoscape.LayoutOptions;
    }
    case 'breadthfirst':
      return {
        ...common,
        name: 'breadthfirst',
        directed: false,
        spacingFactor: 1.1,
        roots:
          view.selected !== null && cy.getElementById(nid(view.selected)).nonempty()
            ? `#${CSS.escape(nid(view.selected))}`
            : undefined,
      } as cytoscape.LayoutOptions;
    case 'concentric':
      return { ...common, name: 'concentric', minNodeSpacing: 20, concentric: (n: cytoscape.NodeSingular) => n.degree(false) } as cytoscape.LayoutOptions;
    case 'circle':
      return { ...common, name: 'circle' } as cytoscape.LayoutOptions;
  }
}

export function mountGraphView(app: App): void {
  const { cy, view } = app;
  let layoutsRunning = 0;

  function runLayout(randomize = false): void {
    const els = cy.elements().not('.hidden');
    if (els.nodes().length === 0) return;
    const layout = els.layout(layoutOptions(cy, view, view.layout, els.nodes().length, randomize));
    // data-layout lets tests (and styles) know when nodes have come to rest.
    layoutsRunning++;
    document.body.dataset.layout = 'running';
    layout.one('layoutstop', () => {
      // A handful of nodes should not be blown up to fill the screen.
      if (cy.zoom() > MAX_FIT_ZOOM) {
        cy.zoom(MAX_FIT_ZOOM);
        cy.center(els);
      }
      layoutsRunning--;
      if (layoutsRunning === 0) document.body.dataset.layout = 'idle';
    });
    layout.run();
  }

  /**
   * draw brings Cytoscape in line with the view in one batch: removes what is
   * gone, adds what is new (placed around `anchor`), sets classes for filters,
   * pins, selection and the highlighted path, then lays out once if asked.
   */
  function draw(opts: RenderOptions = {}): void {
    const vis = visible(view);
    const visNodes = new Set(vis.nodes);
    const visEdges = new Set(vis.edges);
    let anchorPos = { x: cy.width() / 2, y: cy.height() / 2 };
    if (opts.anchor) {
      const a = cy.getElementById(nid(opts.anchor));
      if (a.nonempty()) anchorPos = { ...a.position() };
    } else if (cy.nodes().nonempty()) {
      const bb = cy.nodes().boundingBox();
      anchorPos = { x: (bb.x1 + bb.x2) / 2, y: (bb.y1 + bb.y2) / 2 };
    }
    let newNodes = 0;
    cy.batch(() => {
      const stale = cy.elements().filter((el) => {
        const ref = el.data('ref') as string;
        return el.isNode() ? !view.nodes.has(ref) : !view.edges.has(ref);
      });
      cy.remove(stale);
      const fresh: GNode[] = [];
      for (const n of view.nodes.values()) if (cy.getElementById(nid(n.id)).empty()) fresh.push(n);
      const ring = 60 + fresh.length * 4;
      const added: cytoscape.ElementDefinition[] = fresh.map((n, i) => {
        const a = (2 * Math.PI * i) / Math.max(1, fresh.length);
        return {
          group: 'nodes',
          data: { id: nid(n.id), ref: n.id, kind: n.kind, name: n.name },
          position: { x: anchorPos.x + ring * Math.cos(a), y: anchorPos.y + ring * Math.sin(a) },
        };
      });
      newNodes = fresh.length;
      if (added.length > 0) cy.add(added);
      const edgeDefs: cytoscape.ElementDefinition[] = [];
      for (const e of view.edges.values()) {
        if (cy.getElementById(eid(e.id)).nonempty()) continue;
        edgeDefs.push({
          group: 'edges',
          data: { id: eid(e.id), ref: e.id, source: nid(e.from), target: nid(e.to), type: e.type, label: relLabel(e.type), status: e.status ?? 'ASSERTED' },
          classes: edgeClass(e.status) ?? '',
        });
      }
      if (edgeDefs.length > 0) cy.add(edgeDefs);
      const labelEdges = vis.edges.length <= EDGE_LABEL_LIMIT;
      cy.nodes().forEach((n) => {
        const ref = n.data('ref') as string;
        n.toggleClass('hidden', !visNodes.has(ref));
        const pinned = view.pinned.has(ref);
        n.toggleClass('pinned', pinned);
        if (pinned !== n.locked()) {
          if (pinned) n.lock();
          else n.unlock();
        }
        n.toggleClass('selected', view.selected === ref);
        n.toggleClass('path', view.highlight.nodes.has(ref));
      });
      cy.edges().forEach((e) => {
        const ref = e.data('ref') as string;
        e.toggleClass('hidden', !visEdges.has(ref));
        e.toggleClass('labelled', labelEdges);
        e.toggleClass('selected', view.selectedEdge === ref);
        e.toggleClass('path', view.highlight.edges.has(ref));
        const drawnAs = edgeClass(view.edges.get(ref)?.status);
        for (const c of EDGE_CLASSES) e.toggleClass(c, drawnAs === c);
      });
    });
    $('empty').hidden = view.nodes.size > 0;
    if (opts.layout || (newNodes > 0 && vis.nodes.length <= FULL_LAYOUT_LIMIT)) {
      runLayout(opts.randomize ?? false);
    } else if (newNodes > 0) {
      cy.fit(undefined, 30);
    }
  }

  const fitVisible = () => cy.fit(cy.elements().not('.hidden'), 30);
  function zoomBy(f: number): void {
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }
  $('zoom-in').addEventListener('click', () => zoomBy(1.25));
  $('zoom-out').addEventListener('click', () => zoomBy(0.8));
  $('fit').addEventListener('click', fitVisible);
  $('cy').addEventListener('keydown', (e) => {
    const step = 40;
    const pans: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (pans[e.key]) cy.panBy({ x: pans[e.key][0], y: pans[e.key][1] });
    else if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(0.8);
    else if (e.key === '0') fitVisible();
    else return;
    e.preventDefault();
  });

  cy.on('tap', 'node', (e) => app.select(e.target.data('ref') as string));
  cy.on('tap', 'edge', (e) => app.selectEdge(e.target.data('ref') as string));
  cy.on('tap', (e) => {
    if (e.target === cy && (view.selected !== null || view.selectedEdge !== null)) app.select(null);
  });

  Object.assign(app, { draw, runLayout });
}
