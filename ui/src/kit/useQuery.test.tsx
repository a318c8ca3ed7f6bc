import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { useQuery } from './useQuery';

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
    const { result, rerender, unmount } = renderHook(({ id }) => useQuery(() => load(id), [id], { reloadOn }), { initialProps: { id: 'a' } });
    rerender({ id: 'b' });
    await waitFor(() => expect(result.current.data).toBe('read b'));
    await act(async () => slow.resolve('read a, late'));
    expect(result.current.data).toBe('read b');

    act(() => listeners.forEach((cb) => cb()));
    await waitFor(() => expect(load).toHaveBeenCalledTimes(3));
    unmount();
    expect(listeners.size).toBe(0);
  });

  it('reads nothing without a load', () => {
    const { result } = renderHook(() => useQuery<string>(null, []));
    expect(result.current.settled).toBe(false);
    expect(result.current.data).toBeUndefined();
  });
});
