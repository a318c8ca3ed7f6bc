import { useCallback, useEffect, useMemo, useRef } from 'react';

export type DebouncedSave<T> = {
  /** Save `value` once edits pause for the delay; a newer value replaces one still waiting. */
  schedule: (value: T) => void;
  /** Save what waits now (nothing waits: resolves at once). */
  flush: () => Promise<void>;
  /** Forget what waits without saving it. */
  cancel: () => void;
  /** Whether a value waits to be saved. */
  waiting: () => boolean;
};

/**
 * One debounced save, for autosave and drafts: the last edit always wins,
 * and what still waits is saved when the component goes away, so leaving
 * never loses it. `save` is read fresh when it runs, and reports its own
 * failures (a failure here is not thrown at the timer).
 */
export function useDebouncedSave<T>(save: (value: T) => Promise<unknown> | void, delayMs: number): DebouncedSave<T> {
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<{ value: T } | null>(null);

  const cancel = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    pending.current = null;
  }, []);

  const flush = useCallback((): Promise<void> => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    const wanted = pending.current;
    if (wanted === null) return Promise.resolve();
    pending.current = null;
    return Promise.resolve(saveRef.current(wanted.value)).then(() => undefined);
  }, []);

  const schedule = useCallback(
    (value: T) => {
      pending.current = { value };
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush().catch(() => undefined), delayMs);
    },
    [delayMs, flush],
  );

  const waiting = useCallback(() => pending.current !== null, []);

  // Leaving: nothing waits.
  useEffect(() => () => void flush().catch(() => undefined), [flush]);

  return useMemo(() => ({ schedule, flush, cancel, waiting }), [schedule, flush, cancel, waiting]);
}
