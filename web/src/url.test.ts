import { describe, expect, it } from 'vitest';
import { addElements, emptyView, type View } from './state';
import { applyToView, decode, encode, fromView, MAX_IDS, type UrlState } from './url';

const full: UrlState = {
  ids: ['act-up', 'fda', 'nhs-england'],
  pinned: ['fda'],
  hiddenKinds: ['PERSON', 'EVENT'],
  hiddenTypes: ['FUNDED_BY'],
  year: 1995,
  selected: 'act-up',
  layout: 'concentric',
  pathFrom: 'act-up',
  pathTo: 'nhs-england',
};

describe('encode', () => {
  it('writes every part of the state compactly', () => {
    expect(encode(full)).toBe(
      '?n=act-up,fda,nhs-england&pin=fda&sel=act-up&hk=PERSON,EVENT&ht=FUNDED_BY&year=1995&layout=concentric&from=act-up&to=nhs-england',
    );
  });

  it('is empty for an empty view and leaves out defaults', () => {
    expect(encode(fromView(emptyView()))).toBe('');
  });
});

describe('decode', () => {
  it('inverts encode', () => {
    expect(decode(encode(full))).toEqual(full);
  });

  it('round-trips ids that need escaping', () => {
    const s: UrlState = { ...full, ids: ['a,b', 'c&d', 'é'], pinned: ['a,b'], selected: 'c&d', pathFrom: null, pathTo: null };
    expect(decode(encode(s))).toEqual(s);
  });

  it('drops what it does not understand', () => {
    const s = decode('?n=a,,a,b&pin=b,zz&hk=PERSON,ALIEN&ht=nope,led&year=abc&layout=spiral&x=1');
    expect(s.ids).toEqual(['a', 'b']);
    expect(s.pinned).toEqual(['b']);
    expect(s.hiddenKinds).toEqual(['PERSON']);
    expect(s.hiddenTypes).toEqual(['LED']);
    expect(s.year).toBeNull();
    expect(s.layout).toBe('cose');
  });

  it('rejects implausible years', () => {
    expect(decode('year=99999').year).toBeNull();
    expect(decode('year=1988').year).toBe(1988);
  });

  it('adds the selected node and path ends to the ids', () => {
    const s = decode('?n=a&sel=b&from=c&to=a');
    expect(s.ids).toEqual(['a', 'b', 'c']);
  });

  it('survives broken escapes', () => {
    expect(decode('?n=a,%E0%A4%A,b&sel=%').ids).toEqual(['a', 'b']);
  });

  it('bounds the number of ids', () => {
    const many = Array.from({ length: MAX_IDS + 50 }, (_, i) => `n${i}`).join(',');
    expect(decode(`?n=${many}`).ids).toHaveLength(MAX_IDS);
  });
});

describe('fromView and applyToView', () => {
  it('carry a view through the URL and back', () => {
    const v: View = emptyView();
    addElements(
      v,
      [
        { id: 'act-up', kind: 'ORGANISATION', name: 'ACT UP', year: 1987 },
        { id: 'fda', kind: 'INSTITUTION', name: 'FDA', year: null },
      ],
      [],
    );
    v.pinned.add('fda');
    v.hiddenKinds.add('REPORT');
    v.year = 1990;
    v.selected = 'act-up';
    v.layout = 'circle';
    v.pathTo = 'fda';
    const q = encode(fromView(v));

    const w = emptyView();
    const s = decode(q);
    addElements(
      w,
      s.ids.map((id) => ({ id, kind: 'ORGANISATION' as const, name: id, year: null })),
      [],
    );
    applyToView(s, w);
    expect(fromView(w)).toEqual(fromView(v));
  });

  it('ignores a selection or pin of a node that could not be loaded', () => {
    const w = emptyView();
    addElements(w, [{ id: 'a', kind: 'EVENT', name: 'A', year: null }], []);
    applyToView(decode('?n=a,gone&sel=gone&pin=a,gone&from=gone'), w);
    expect(w.selected).toBeNull();
    expect([...w.pinned]).toEqual(['a']);
    expect(w.pathFrom).toBeNull();
  });
});
