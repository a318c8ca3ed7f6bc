import { useCallback, useEffect, useState } from 'react';

/** The time, ticking every `everyMs`; `refresh` sets it now (e.g. when fresh data lands). */
export function useNow(everyMs: number): [number, () => void] {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  const refresh = useCallback(() => setNow(Date.now()), []);
  return [now, refresh];
}
