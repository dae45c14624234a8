import { describe, expect, it } from 'vitest';
import { contested, DISPUTE_STYLE, disputeView, edgeClass, legendLine, safeHref, sourceKindLabel, statusLabel } from './disputes';

describe('edgeClass', () => {
  it('draws only contested relationships differently', () => {
    expect(edgeClass('ASSERTED')).toBeNull();
    expect(edgeClass(undefined)).toBeNull();
    expect(edgeClass(null)).toBeNull();
    expect(edgeClass('DISPUTED')).toBe('disputed');
    expect(edgeClass('RETRACTED')).toBe('retracted');
    // A status from a newer server is contested, drawn as disputed.
    expect(edgeClass('WITHDRAWN_PENDING')).toBe('disputed');
    expect(contested('ASSERTED')).toBe(false);
    expect(contested('DISPUTED')).toBe(true);
  });

  it('has a dashed style for disputed and a dotted one for retracted', () => {
    const bySel = Object.fromEntries(DISPUTE_STYLE.map((s) => [s.selector, s.style as Record<string, unknown>]));
    expect(bySel['edge.disputed']['line-style']).toBe('dashed');
    expect(bySel['edge.retracted']['line-style']).toBe('dotted');
  });
});

describe('disputeView', () => {
  it('lists each side with its sources, their publisher, year and kind', () => {
    const v = disputeView({
      claim: 'Who led the San Francisco 504 sit-in',
      note: '',
      positions: [
        { says: 'Judith Heumann led it', sources: [{ title: 'JWA', url: 'https://jwa.org/x', publisher: 'JWA', year: 2020, kind: 'SECONDARY' }] },
        { says: 'Kitty Cone was its lead organiser', sources: [{ title: 'OAC', url: 'https://oac.cdlib.org/y', kind: 'ARCHIVE' }, { title: 'Copy', url: 'https://x.org', kind: null }] },
      ],
    });
    expect(v.note).toBeNull();
    expect(v.sides.map((s) => s.says)).toEqual(['Judith Heumann led it', 'Kitty Cone was its lead organiser']);
    expect(v.sides[0].sources[0].detail).toBe('JWA, 2020, secondary');
    expect(v.sides[1].sources.map((s) => s.detail)).toEqual(['archive', '']);
  });
});

describe('labels', () => {
  it('names statuses and source kinds', () => {
    expect(statusLabel('DISPUTED')).toMatch(/^Disputed/);
    expect(statusLabel('NEW')).toBe('NEW');
    expect(sourceKindLabel('MIRROR')).toBe('mirror copy');
    expect(sourceKindLabel(undefined)).toBe('');
  });

  it('keeps only http(s) links and draws dashed legend lines', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://example.org/a')).toBe('https://example.org/a');
    expect(legendLine('6 4', '#000')).toContain('stroke-dasharray="6 4"');
    expect(legendLine('', '#000')).not.toContain('stroke-dasharray');
  });
});
