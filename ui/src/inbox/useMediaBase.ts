import { useEffect, useState } from 'react';
import { mediaBaseUrl } from '../platform';

/** The server that serves message images, read once per mount; null until known or when signed out. */
export function useMediaBase(): string | null {
  const [base, setBase] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    mediaBaseUrl().then(
      (url) => {
        if (live) setBase(url);
      },
      // Unknown: the server's images show as unavailable; the rest of the thread is unaffected.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return base;
}
