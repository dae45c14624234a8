// urlstate.ts: the view in the address bar. Every render writes the shareable
// part of the view to the URL (url.ts encodes it); on load, restore()
// rebuilds the view a shared link describes.

import * as api from './api';
import type { App } from './app';
import { addElements } from './state';
import { applyToView, decode, encode, fromView } from './url';

export interface UrlSync {
  /** restore rebuilds the view the page's URL describes; until it has read it, saveUrl writes nothing. */
  restore(): Promise<void>;
}

export function mountUrlState(app: App): UrlSync {
  const { view } = app;
  // True until the shared view in the URL has been read, so that early renders do not overwrite it.
  let restoring = true;

  function saveUrl(): void {
    if (restoring) return;
    const q = encode(fromView(view));
    if (q !== location.search) history.replaceState(null, '', `${location.pathname}${q}`);
  }
  Object.assign(app, { saveUrl });

  async function restore(): Promise<void> {
    const s = decode(location.search);
    view.year = s.year;
    view.layout = s.layout;
    view.hiddenKinds = new Set(s.hiddenKinds);
    view.hiddenTypes = new Set(s.hiddenTypes);
    app.renderYear();
    app.renderFilters();
    if (s.ids.length > 0) {
      // All the nodes (a node may date from after the year: it is hidden, not dropped)...
      const r = await app.run('Restoring the shared view', () => api.subgraph(s.ids, null), () => void restore());
      if (!r) {
        // The alert offers a retry. The URL keeps the shared view until the user changes something.
        restoring = false;
        return;
      }
      addElements(view, r.nodes, r.edges);
      const missing = s.ids.filter((id) => !view.nodes.has(id));
      if (missing.length > 0) {
        app.showError(`Some nodes in the shared link no longer exist: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`);
      }
    }
    applyToView(s, view);
    restoring = false;
    app.render({ layout: true, randomize: true });
    // ...and the relationships as the server reads them for that year.
    if (view.year !== null) await app.requery();
    if (view.selected !== null) void app.showNodeDetails(view.selected);
    if (view.pathFrom !== null && view.pathTo !== null) void app.findPaths();
  }

  return { restore };
}
