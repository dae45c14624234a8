import { describe, expect, it } from 'vitest';
import { cyStyle, GENERIC_LOOK, legendSvg, LOOK, lookOf } from './style';
import { KINDS } from './vocab';

describe('lookOf', () => {
  it('gives every kind of the schema its own look', () => {
    for (const k of KINDS) {
      expect(LOOK[k], k).toBeDefined();
      expect(lookOf(k)).toBe(LOOK[k]);
    }
    expect(new Set(KINDS.map((k) => lookOf(k).shape)).size).toBe(KINDS.length);
  });

  it('draws a kind it does not know generically, named as the server names it', () => {
    const l = lookOf('PLANET');
    expect(l).toEqual({ ...GENERIC_LOOK, label: 'PLANET' });
    expect(KINDS.map((k) => lookOf(k).shape)).not.toContain(GENERIC_LOOK.shape);
  });
});

describe('legendSvg', () => {
  it('draws known and unknown kinds without throwing', () => {
    expect(legendSvg('MOVEMENT')).toMatch(/^<svg .*<circle /);
    const unknown = legendSvg('PLANET');
    expect(unknown).toMatch(/^<svg /);
    expect(unknown).toContain(`fill="${GENERIC_LOOK.colour}"`);
    expect(unknown).toContain('<polygon ');
  });
});

describe('cyStyle', () => {
  it('styles nodes generically by default, and each known kind its own way', () => {
    const rules = cyStyle() as { selector: string; style: Record<string, unknown> }[];
    const node = rules.find((r) => r.selector === 'node')!;
    expect(node.style['background-color']).toBe(GENERIC_LOOK.colour);
    expect(node.style.shape).toBe(GENERIC_LOOK.shape);
    for (const k of KINDS) expect(rules.some((r) => r.selector === `node[kind = "${k}"]`)).toBe(true);
  });
});
