import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { sameJson, useQuery } from './useQuery';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('useQuery', () => {
  it('reads when its deps change and on its event, and drops an answer a newer read overtook', async () => {
    const listeners = new Set<() => void>();
    const reloadOn = (cb: () => void) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    };
    const slow = deferred<string>();
    const load = vi.fn((id: string) => (id === 'a' ? slow.promise : Promise.resolve(`read ${id}`)));
    const { result, rerender, unmount } = renderHook(({ id }) => useQuery(() => load(id), [id], { reloadOn }), {
      initialProps: { id: 'a' },
    });
    rerender({ id: 'b' });
    await waitFor(() => expect(result.current.data).toBe('read b'));
    await act(async () => slow.resolve('read a, late'));
    expect(result.current.data).toBe('read b');

    act(() => listeners.forEach((cb) => cb()));
    await waitFor(() => expect(load).toHaveBeenCalledTimes(3));
    unmount();
    expect(listeners.size).toBe(0);
  });

  it('keeps the last answer when a new one is the same by `same`: what shows it renders nothing again', async () => {
    const listeners = new Set<() => void>();
    const reloadOn = (cb: () => void) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    };
    let answer = ['a'];
    const load = vi.fn(async () => [...answer]);
    let listRenders = 0;
    function List({ items }: { items: string[] | undefined }) {
      listRenders += 1;
      return <p data-testid="items">{items?.join(',')}</p>;
    }
    function Screen() {
      const query = useQuery(load, [], { reloadOn, same: sameJson });
      return <List items={query.data} />;
    }
    render(<Screen />);
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a'));
    const settled = listRenders;
    await act(async () => listeners.forEach((cb) => cb()));
    await waitFor(() => expect(load).toHaveBeenCalledTimes(2));
    await act(async () => {});
    // The reload renders the screen once (its key); the equal answer renders nothing more.
    expect(listRenders).toBe(settled + 1);

    answer = ['a', 'b'];
    await act(async () => listeners.forEach((cb) => cb()));
    await waitFor(() => expect(screen.getByTestId('items').textContent).toBe('a,b'));
  });

  it('reads nothing without a load', () => {
    const { result } = renderHook(() => useQuery<string>(null, []));
    expect(result.current.settled).toBe(false);
    expect(result.current.data).toBeUndefined();
  });
});

describe('useQuery with a delay', () => {
  it('reads once the deps stop changing for the delay', async () => {
    vi.useFakeTimers();
    try {
      const load = vi.fn((q: string) => Promise.resolve(`hits for ${q}`));
      const { result, rerender } = renderHook(({ q }) => useQuery(() => load(q), [q], { delayMs: 250 }), {
        initialProps: { q: 'r' },
      });
      act(() => vi.advanceTimersByTime(200));
      rerender({ q: 're' });
      act(() => vi.advanceTimersByTime(200));
      rerender({ q: 'ref' });
      expect(load).not.toHaveBeenCalled();
      await act(async () => {
        vi.advanceTimersByTime(250);
      });
      expect(load).toHaveBeenCalledTimes(1);
      expect(load).toHaveBeenLastCalledWith('ref');
      expect(result.current.data).toBe('hits for ref');
    } finally {
      vi.useRealTimers();
    }
  });
});
