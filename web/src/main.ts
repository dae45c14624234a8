// main.ts: starts the dashboard. It makes the view model (state.ts) and the
// drawing, mounts each panel on them, and defines render(): every change
// updates the view, then calls render() once, which brings the drawing,
// filters, lists, status line and URL in line.
//
//   graphview.ts  the drawing (Cytoscape), layouts, zoom, taps
//   details.ts    selection and the details panel
//   actions.ts    add, expand, collapse, pin, remove, clear
//   pathpanel.ts  find paths; the "In view" list
//   filters.ts    kinds, relationship types, the year, the layout picker
//   exporting.ts  /export downloads, PNG, "Open in Gephi Lite"
//   searchbox.ts  search as you type
//   urlstate.ts   the view in the URL, and restoring a shared link
//   feedback.ts   alerts, busy flag, status line
//   lenspanel.ts  metrics and communities: sizes, colours, legend, overview
//   tensionspanel.ts, comparepanel.ts  the tensions chart and the compare view

import type cytoscape from 'cytoscape';
import './app.css';
import * as api from './api';
import { mountActions } from './actions';
import type { App, RenderOptions } from './app';
import { mountDetails } from './details';
import { disputeLegend } from './disputes';
import { $ } from './dom';
import { mountExporting } from './exporting';
import { mountFeedback } from './feedback';
import { mountFilters } from './filters';
import { mountCompare } from './comparepanel';
import { mountLens } from './lenspanel';
import { mountTensions } from './tensionspanel';
import { createCy, mountGraphView } from './graphview';
import { mountPathPanel } from './pathpanel';
import { mountSearchBox } from './searchbox';
import { emptyView, setYearBounds, type View } from './state';
import { mountUrlState } from './urlstate';
import { mountPresentation } from './stories/present';
import { mountStartPage } from './stories/start';
import { mountStorySaver } from './stories/save';

const view = emptyView();
$('types').after(disputeLegend());
const cy = createCy($('cy'));

function render(opts: RenderOptions = {}): void {
  app.draw(opts);
  app.applyLens();
  app.renderFilters();
  app.renderViewList();
  app.renderGephiLite();
  app.setStatus();
  app.saveUrl();
}

// Each mount function fills in its part of App (see app.ts).
const app = { view, cy, render } as App;
mountFeedback(app);
mountGraphView(app);
const url = mountUrlState(app);
mountDetails(app);
mountActions(app);
mountPathPanel(app);
mountFilters(app);
mountExporting(app);
mountSearchBox(app);
mountLens(app);
mountTensions(app);
mountCompare(app);
const presentation = mountPresentation(app);
mountStartPage(app);
mountStorySaver(app);

async function loadStats(): Promise<void> {
  const s = await app.run('Connecting to the graph', () => api.stats(), () => void loadStats());
  if (!s) {
    $('dataset').textContent = 'not connected';
    return;
  }
  $('dataset').textContent = `${s.datasetName} ${s.datasetVersion} · ${s.nodeCount} nodes · ${s.relationshipCount} relationships`;
  setYearBounds(view, s.minYear, s.maxYear);
  if (view.year === null) $<HTMLInputElement>('year').value = String(view.yearBounds.max);
  app.renderYear();
}

app.renderYear();
render();
void loadStats();
// A story permalink (/s/<id>) shows the story; any other page the view in its URL.
const ready = presentation.active ? presentation.start() : url.restore();

declare global {
  interface Window {
    /** hmkg exposes the drawing and the view model read-only to tests and the console. */
    hmkg: { cy: cytoscape.Core; view: View; ready: Promise<void> };
  }
}
window.hmkg = { cy, view, ready };
