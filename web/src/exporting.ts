// exporting.ts: exporting the view: the GET /export downloads (one button per
// format in index.html, named by its data-format), the PNG of the drawing and
// the "Open in Gephi Lite" link.

import type { App } from './app';
import { $, download } from './dom';
import { fromResponse, unreachable } from './errors';
import { exportUrl, gephiLiteUrl, visible } from './state';
import { parseExportFormat, type ExportFormat } from './vocab';

const NOTHING = 'There is nothing in view to export: add some nodes first.';

/**
 * downloadName is the file name for an export: the server's (from
 * Content-Disposition) when it gives one, else hmkg-view with an extension
 * from the content type (a zip for the CSV bundles) or the format.
 */
export function downloadName(format: ExportFormat, contentDisposition: string | null, contentType: string | null): string {
  const m = /filename="?([^";]+)"?/.exec(contentDisposition ?? '');
  if (m) return m[1];
  const ext = /zip/.test(contentType ?? '') ? 'zip' : format.toLowerCase();
  return `hmkg-view.${ext}`;
}

export function mountExporting(app: App): void {
  const { view, cy } = app;
  const gephiLite = $<HTMLAnchorElement>('gephi-lite');

  async function exportView(format: ExportFormat): Promise<void> {
    if (visible(view).nodes.length === 0) {
      app.showError(NOTHING);
      return;
    }
    const url = exportUrl(view, format);
    await app.run(
      `Exporting ${format}`,
      async () => {
        let res: Response;
        try {
          res = await fetch(url);
        } catch (err) {
          throw unreachable('The export service', err);
        }
        if (!res.ok) throw fromResponse('/export', res.status, (await res.text()).slice(0, 2000));
        const blob = await res.blob();
        download(blob, downloadName(format, res.headers.get('Content-Disposition'), res.headers.get('Content-Type')));
      },
      () => void exportView(format),
    );
  }

  /** renderGephiLite points "Open in Gephi Lite" at the GEXF export of the view; no link when the view is empty. */
  function renderGephiLite(): void {
    const href = gephiLiteUrl(view, location.href);
    if (href === null) {
      gephiLite.removeAttribute('href');
      gephiLite.setAttribute('aria-disabled', 'true');
    } else {
      if (gephiLite.getAttribute('href') !== href) gephiLite.href = href;
      gephiLite.removeAttribute('aria-disabled');
    }
  }

  for (const b of document.querySelectorAll<HTMLButtonElement>('button.export')) {
    const format = parseExportFormat(b.dataset.format ?? '');
    if (format === null) {
      // index.html names a format the schema does not have: say so rather than offer a broken button.
      b.disabled = true;
      b.title = `The server has no export format “${b.dataset.format}”.`;
      continue;
    }
    b.addEventListener('click', () => void exportView(format));
  }
  $('export-png').addEventListener('click', () => {
    if (cy.nodes(':visible').empty()) {
      app.showError(NOTHING);
      return;
    }
    download(cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' }), 'hmkg-view.png');
  });

  Object.assign(app, { renderGephiLite });
}
