import { describe, expect, it } from 'vitest';
import { downloadName } from './exporting';

describe('downloadName', () => {
  it("takes the server's file name", () => {
    expect(downloadName('GEXF', 'attachment; filename="hmkg-act-up-d0.gexf"', 'application/gexf+xml')).toBe('hmkg-act-up-d0.gexf');
    expect(downloadName('JSON', 'attachment; filename=view.json', null)).toBe('view.json');
  });

  it('falls back on the content type or the format', () => {
    expect(downloadName('CSV', null, 'application/zip')).toBe('hmkg-view.zip');
    expect(downloadName('GRAPHML', '', 'application/xml')).toBe('hmkg-view.graphml');
  });
});
