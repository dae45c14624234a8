import { describe, expect, it } from 'vitest';
import { ApiError, toEdge, toNode } from './api';

describe('toNode', () => {
  it('takes the asOf year from startYear, foundedYear or year, in that order', () => {
    expect(toNode({ id: 'm', kind: 'MOVEMENT', name: 'M', startYear: 1981 }).year).toBe(1981);
    expect(toNode({ id: 'o', kind: 'ORGANISATION', name: 'O', foundedYear: 1987, year: null }).year).toBe(1987);
    expect(toNode({ id: 'r', kind: 'REPORT', name: 'R', year: 2013 }).year).toBe(2013);
    expect(toNode({ id: 'i', kind: 'INSTITUTION', name: 'I' }).year).toBeNull();
    expect(toNode({ id: 'x', kind: 'EVENT', name: 'X', startYear: null, foundedYear: null, year: null }).year).toBeNull();
  });

  it('keeps a kind the dashboard does not know (a newer server), instead of throwing', () => {
    expect(toNode({ id: 'x', kind: 'PLANET', name: 'X', year: 2001 })).toEqual({ id: 'x', kind: 'PLANET', name: 'X', year: 2001 });
  });

  it('rejects a node without a kind', () => {
    expect(() => toNode({ id: 'x', kind: '', name: 'X' })).toThrow(ApiError);
  });
});

describe('toEdge', () => {
  it('flattens the endpoints', () => {
    expect(
      toEdge({ id: 'a:LED:b', type: 'LED', year: 1990, summary: 's', from: { id: 'a' }, to: { id: 'b' } }),
    ).toEqual({ id: 'a:LED:b', type: 'LED', from: 'a', to: 'b', year: 1990, summary: 's' });
  });

  it('keeps a relationship type the dashboard does not know, instead of throwing', () => {
    expect(toEdge({ id: 'e', type: 'LOVES', year: null, summary: null, from: { id: 'a' }, to: { id: 'b' } })).toEqual({
      id: 'e',
      type: 'LOVES',
      from: 'a',
      to: 'b',
      year: null,
      summary: null,
    });
  });

  it('rejects a relationship without a type', () => {
    expect(() => toEdge({ id: 'e', type: '', year: null, summary: null, from: { id: 'a' }, to: { id: 'b' } })).toThrow(
      /relationship e came without a type/,
    );
  });
});
