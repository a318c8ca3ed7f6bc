import { useEffect, useRef } from 'react';
import { setPresence } from '../../platform';

/**
 * Colleagues see which conversation is open here. Opening another one says
 * so (the server announces leaving the previous one); closing it, or leaving
 * the screen, says "none".
 */
export function useOpenPresence(openId: string | null): void {
  const saidOpen = useRef<string | null>(null);
  useEffect(() => {
    if (openId !== null) setPresence(openId, false).catch(() => undefined);
    else if (saidOpen.current !== null) setPresence(null, false).catch(() => undefined);
    saidOpen.current = openId;
  }, [openId]);
  useEffect(
    () => () => {
      if (saidOpen.current !== null) setPresence(null, false).catch(() => undefined);
      saidOpen.current = null;
    },
    [],
  );
}
