import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

/** A core event to read again on: subscribes, and returns the unsubscribe. */
export type ReloadOn = (listener: () => void) => () => void;

export type QueryOptions<T> = {
  /** Read again whenever this core event fires (e.g. `onInboxChanged`). */
  reloadOn?: ReloadOn;
  /** Told each answer as it lands (for state kept beside it). */
  onData?: (data: T) => void;
  /** Told each failure as it lands (for reporting it elsewhere). */
  onError?: (error: unknown) => void;
  /** Wait this long before reading; a change of `deps` meanwhile starts the wait again (typing). */
  delayMs?: number;
  /**
   * Whether a new answer is the same as the last one: then the last one is kept and nothing renders
   * again (a list read again that did not change does not move under the pointer). See `sameJson`.
   */
  same?: (previous: T, next: T) => boolean;
};

/** `same` for answers that are plain data: equal when their JSON is. */
export function sameJson<T>(previous: T, next: T): boolean {
  return JSON.stringify(previous) === JSON.stringify(next);
}

export type Query<T> = {
  /** The last answer; kept while a newer read is on its way, and after a failure. */
  data: T | undefined;
  /** The last read's failure, cleared by the next answer. */
  error: unknown;
  /** Whether an answer (or a failure) has come back yet. */
  settled: boolean;
  /** Read again now. */
  reload: () => void;
};

/**
 * A number that goes up whenever `reloadOn` fires or `bump` is called: for a
 * screen whose several reads all follow one core event (put it in their deps).
 */
export function useReloadKey(reloadOn?: ReloadOn): [number, () => void] {
  const [version, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => (reloadOn ? reloadOn(bump) : undefined), [reloadOn, bump]);
  return [version, bump];
}

/**
 * "Load, and reload on this core event": reads with `load` when `deps` change,
 * again on `reloadOn` and on `reload()` (after `delayMs`, if given). An answer
 * that arrives after a newer read started, or after unmount, is dropped.
 * `load` null reads nothing.
 */
export function useQuery<T>(
  load: (() => Promise<T>) | null,
  deps: DependencyList,
  options: QueryOptions<T> = {},
): Query<T> {
  const [result, setResult] = useState<{ data: T | undefined; error: unknown; settled: boolean }>({
    data: undefined,
    error: null,
    settled: false,
  });
  const [version, reload] = useReloadKey(options.reloadOn);
  const latest = useRef({ load, options });
  useEffect(() => {
    latest.current = { load, options };
  });

  const enabled = load !== null;
  useEffect(() => {
    const run = latest.current.load;
    if (!enabled || run === null) return undefined;
    let live = true;
    const read = () =>
      run().then(
        (data) => {
          if (!live) return;
          const same = latest.current.options.same;
          setResult((prev) =>
            same && prev.settled && prev.error === null && prev.data !== undefined && same(prev.data, data)
              ? prev
              : { data, error: null, settled: true },
          );
          latest.current.options.onData?.(data);
        },
        (error: unknown) => {
          if (!live) return;
          setResult((prev) => ({ data: prev.data, error, settled: true }));
          latest.current.options.onError?.(error);
        },
      );
    const delay = latest.current.options.delayMs;
    const timer = delay === undefined ? null : setTimeout(() => void read(), delay);
    if (timer === null) void read();
    return () => {
      live = false;
      if (timer !== null) clearTimeout(timer);
    };
    // `deps` name what the read depends on; `load` itself is read fresh each time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, version, ...deps]);

  return { ...result, reload };
}
