import { describe, expect, it } from 'vitest';
import { isKnownKind, isKnownRelType, KINDS, parseExportFormat, relLabel, REL_TYPES, withUnknown } from './vocab';

describe('vocabulary from the generated types', () => {
  it('lists the kinds and relationship types of the schema', () => {
    expect(KINDS).toContain('MOVEMENT');
    expect(REL_TYPES).toContain('CO_OPTED_BY');
    expect(isKnownKind('TENSION')).toBe(true);
    expect(isKnownKind('PLANET')).toBe(false);
    expect(isKnownRelType('LED')).toBe(true);
    expect(isKnownRelType('LOVES')).toBe(false);
  });

  it('reads export formats in any case and refuses unknown ones', () => {
    expect(parseExportFormat('gexf')).toBe('GEXF');
    expect(parseExportFormat(' GraphML ')).toBe('GRAPHML');
    expect(parseExportFormat('kumu_xlsx')).toBe('KUMU_XLSX');
    expect(parseExportFormat('pdf')).toBeNull();
    expect(parseExportFormat('')).toBeNull();
  });
});

describe('relLabel', () => {
  it('is the one way a relationship type is shown', () => {
    expect(relLabel('CO_OPTED_BY')).toBe('co-opted by');
    expect(relLabel('INFLUENCED_POLICY_OF')).toBe('influenced policy of');
    expect(relLabel('LED')).toBe('led');
  });

  it('shows a type the dashboard does not know by its name', () => {
    expect(relLabel('MENTORED_BY')).toBe('mentored by');
  });
});

describe('withUnknown', () => {
  it('puts names the dashboard does not know after the known ones, sorted, once', () => {
    expect(withUnknown(['A', 'B'], ['B', 'ZED', 'X', 'ZED'])).toEqual(['A', 'B', 'X', 'ZED']);
    expect(withUnknown(KINDS, [])).toEqual([...KINDS]);
  });
});
