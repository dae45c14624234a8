import { describe, expect, it } from 'vitest';
import { changeText, embedSnippet, storyPath } from './load';

describe('storyPath', () => {
  it('reads permalinks and embeds, with the step from 0', () => {
    expect(storyPath('/s/movement-aids')).toEqual({ id: 'movement-aids', step: 0 });
    expect(storyPath('/s/movement-aids/3')).toEqual({ id: 'movement-aids', step: 3 });
    expect(storyPath('/embed/s/movement-aids/2/')).toEqual({ id: 'movement-aids', step: 2 });
  });
  it('refuses anything else', () => {
    for (const p of ['/', '/s/', '/s/Movement', '/s/a/b', '/s/a/1/2', '/x/s/a', '/s/a/export.html']) expect(storyPath(p)).toBeNull();
  });
});

describe('embedSnippet', () => {
  it('escapes the title into an iframe of the embed page', () => {
    expect(embedSnippet('https://h.example', 'a-story', 'A "quoted" <title> & more')).toBe(
      '<iframe src="https://h.example/embed/s/a-story" width="800" height="520" title="A &quot;quoted&quot; &lt;title> &amp; more" style="border:0;max-width:100%" loading="lazy"></iframe>',
    );
  });
});

describe('changeText', () => {
  it('words each kind of change', () => {
    expect(changeText({ id: 'r1', target: 'RELATIONSHIP', what: 'CHANGED' })).toBe('The cited relationship r1 has changed.');
    expect(changeText({ id: 'n1', target: 'NODE', what: 'DELETED' })).toBe('The cited node n1 was deleted.');
    expect(changeText({ id: 'n1', target: 'NODE', what: 'DISPUTED' })).toBe('The cited node n1 is now disputed.');
  });
});
