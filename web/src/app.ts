// app.ts: what the dashboard's panels share. The view model (state.ts) holds
// all view state; App adds the drawing and the operations each panel offers
// the others. main.ts builds one App and hands it to every panel's mount
// function, which fills in its own operations.

import type cytoscape from 'cytoscape';
import type { View } from './state';
import type { RelType } from './vocab';

export interface RenderOptions {
  /** Place new nodes around this node (else around the middle of the drawing). */
  anchor?: string;
  /** Lay out the whole view again. */
  layout?: boolean;
  /** Start the layout from random positions. */
  randomize?: boolean;
}

export interface App {
  readonly view: View;
  readonly cy: cytoscape.Core;

  // feedback.ts
  /** run wraps a user action: shows progress, reports failure in the alert, never throws. */
  run<T>(label: string, fn: () => Promise<T>, retry?: () => void): Promise<T | undefined>;
  showError(message: string, retry?: () => void): void;
  setStatus(busy?: string): void;

  // main.ts
  /** render brings the whole page in line with the view (drawing, filters, lists, URL) in one batch. */
  render(opts?: RenderOptions): void;

  // graphview.ts
  draw(opts?: RenderOptions): void;
  runLayout(randomize?: boolean): void;

  // urlstate.ts
  saveUrl(): void;

  // details.ts
  select(id: string | null): void;
  selectEdge(id: string): void;
  showNodeDetails(id: string): Promise<void>;
  clearDetails(): void;

  // actions.ts
  addNode(id: string): Promise<void>;
  expand(id: string, types: RelType[] | null): Promise<void>;
  collapse(id: string): void;
  togglePin(id: string): void;
  remove(id: string): void;

  // pathpanel.ts
  setPathEnd(which: 'from' | 'to', id: string): void;
  findPaths(): Promise<void>;
  renderViewList(): void;

  // filters.ts
  renderFilters(): void;
  renderYear(): void;
  requery(): Promise<void>;

  // exporting.ts
  renderGephiLite(): void;

  // lenspanel.ts
  /** applyLens sizes, colours and labels the drawn nodes from the last analysis. */
  applyLens(): void;
  analyseView(): Promise<void>;
  overview(): Promise<void>;
}
