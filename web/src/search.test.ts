import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce, latest, matchTier, moveActive, normaliseQuery, rankHits } from './search';

describe('debounce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('calls once with the last arguments after a quiet period', () => {
    const calls: string[] = [];
    const d = debounce((s: string) => calls.push(s), 200);
    d('A');
    vi.advanceTimersByTime(100);
    d('AC');
    vi.advanceTimersByTime(100);
    d('ACT');
    vi.advanceTimersByTime(199);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['ACT']);
  });

  it('can be cancelled', () => {
    const fn = vi.fn();
    const d = debounce(fn, 50);
    d();
    d.cancel();
    vi.advanceTimersByTime(100);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('latest', () => {
  it('delivers only the answer to the newest call', async () => {
    const resolvers: ((v: string) => void)[] = [];
    const f = latest((q: string) => new Promise<string>((r) => resolvers.push(() => r(q))));
    const slow = f('AC');
    const fresh = f('ACT UP');
    resolvers[1]('');
    resolvers[0]('');
    expect(await fresh).toBe('ACT UP');
    expect(await slow).toBeUndefined();
  });
});

describe('moveActive', () => {
  it('wraps with the arrow keys and jumps with Home and End', () => {
    expect(moveActive(-1, 'ArrowDown', 3)).toBe(0);
    expect(moveActive(0, 'ArrowDown', 3)).toBe(1);
    expect(moveActive(2, 'ArrowDown', 3)).toBe(0);
    expect(moveActive(0, 'ArrowUp', 3)).toBe(2);
    expect(moveActive(-1, 'ArrowUp', 3)).toBe(2);
    expect(moveActive(1, 'Home', 3)).toBe(0);
    expect(moveActive(1, 'End', 3)).toBe(2);
    expect(moveActive(1, 'a', 3)).toBeNull();
    expect(moveActive(1, 'ArrowDown', 0)).toBe(-1);
  });
});

describe('normaliseQuery', () => {
  it('trims, collapses spaces and skips one-letter queries', () => {
    expect(normaliseQuery('  ACT   UP ')).toBe('ACT UP');
    expect(normaliseQuery(' a ')).toBeNull();
    expect(normaliseQuery('')).toBeNull();
  });
});

describe('rankHits', () => {
  const hit = (name: string, aliases: string[] = []) => ({ node: { name, aliases } });

  it('puts the thing named by the query first, keeping server order otherwise', () => {
    const hits = [
      hit('ACT UP formed after Larry Kramer speech'),
      hit('US Food and Drug Administration (FDA)'),
      hit("ACT UP Women's Committee"),
      hit('ACT UP (AIDS Coalition to Unleash Power)'),
      hit('Larry Kramer'),
    ];
    expect(rankHits('act up', hits).map((h) => h.node.name)).toEqual([
      'ACT UP (AIDS Coalition to Unleash Power)',
      'ACT UP formed after Larry Kramer speech',
      "ACT UP Women's Committee",
      'US Food and Drug Administration (FDA)',
      'Larry Kramer',
    ]);
  });

  it('counts an alias as the name', () => {
    expect(matchTier('TAC', hit('Treatment Action Campaign', ['TAC']).node)).toBe(3);
    expect(matchTier('treat', hit('Treatment Action Campaign').node)).toBe(2);
    expect(matchTier('campaign', hit('Treatment Action Campaign').node)).toBe(1);
  });
});
