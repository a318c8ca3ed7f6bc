import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDebouncedSave } from './useDebouncedSave';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useDebouncedSave', () => {
  it('saves once edits pause, with the last edit', () => {
    const save = vi.fn();
    const { result } = renderHook(() => useDebouncedSave(save, 300));
    act(() => {
      result.current.schedule('a');
      vi.advanceTimersByTime(200);
      result.current.schedule('ab');
      vi.advanceTimersByTime(200);
      result.current.schedule('abc');
    });
    expect(save).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(300));
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenLastCalledWith('abc');
    act(() => vi.advanceTimersByTime(1_000));
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('saves what waits when the component goes away, so the last edit is not lost', () => {
    const save = vi.fn();
    const { result, unmount } = renderHook(() => useDebouncedSave(save, 300));
    act(() => {
      result.current.schedule('draft');
      result.current.schedule('draft, edited');
    });
    unmount();
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenLastCalledWith('draft, edited');
    act(() => vi.advanceTimersByTime(1_000));
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('uses the newest save function, flushes at once, and forgets what was cancelled', async () => {
    const first = vi.fn();
    const second = vi.fn().mockResolvedValue(undefined);
    const { result, rerender, unmount } = renderHook(({ save }) => useDebouncedSave(save, 300), {
      initialProps: { save: first },
    });
    act(() => result.current.schedule(1));
    rerender({ save: second });
    expect(result.current.waiting()).toBe(true);
    await act(() => result.current.flush());
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenLastCalledWith(1);
    expect(result.current.waiting()).toBe(false);

    act(() => result.current.schedule(2));
    act(() => result.current.cancel());
    unmount();
    act(() => vi.advanceTimersByTime(1_000));
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('does not throw at the timer when a save fails', async () => {
    const save = vi.fn().mockRejectedValue(new Error('disk full'));
    const { result } = renderHook(() => useDebouncedSave(save, 300));
    act(() => result.current.schedule('x'));
    await act(async () => {
      vi.advanceTimersByTime(300);
    });
    expect(save).toHaveBeenCalledWith('x');
  });
});
