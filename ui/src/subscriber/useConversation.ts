import { useCallback, useEffect, useRef, useState } from 'react';
import type { Message } from '../shared/model';
import type { SubscriberApi } from './api';

export interface ConversationState {
  /** Oldest first; never notes. */
  messages: Message[];
  /** The first load finished (or failed). */
  loaded: boolean;
  /** The last fetch failed with this; cleared by the next success. */
  error: unknown;
  /** The live socket is open. */
  connected: boolean;
  /** Fetch what is new since the cursor. Concurrent calls are folded into one more fetch. */
  refresh: () => void;
  /** Add messages the server returned (a sent message), without waiting for the feed. */
  merge: (messages: Message[]) => void;
}

/** Merges by id (a newer copy replaces the old one), keeps the list sorted by time, drops notes. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  const fresh = incoming.filter((m) => m.direction !== 'note');
  if (fresh.length === 0) return current;
  const byId = new Map(current.map((m, i) => [m.id, i] as const));
  const next = current.slice();
  let changed = false;
  for (const message of fresh) {
    const at = byId.get(message.id);
    if (at === undefined) {
      byId.set(message.id, next.length);
      next.push(message);
      changed = true;
    } else if (JSON.stringify(next[at]) !== JSON.stringify(message)) {
      next[at] = message;
      changed = true;
    }
  }
  if (!changed) return current;
  // Stable: equal times keep the server's order.
  return next
    .map((m, i) => [m, i] as const)
    .sort((a, b) => a[0].created_at - b[0].created_at || a[1] - b[1])
    .map(([m]) => m);
}

/** The subscriber's conversation: the first page, then live updates from the cursor. */
export function useConversation(api: SubscriberApi, enabled: boolean): ConversationState {
  const [messages, setMessages] = useState<Message[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [connected, setConnected] = useState(false);
  const cursor = useRef(0);
  const busy = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);

  const merge = useCallback((incoming: Message[]) => setMessages((current) => mergeMessages(current, incoming)), []);

  const refresh = useCallback(() => {
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    void (async () => {
      try {
        do {
          again.current = false;
          try {
            const page = await api.messages(cursor.current);
            if (!alive.current) return;
            merge(page.messages);
            cursor.current = page.cursor;
            setError(null);
          } catch (e) {
            if (!alive.current) return;
            setError(e);
          } finally {
            if (alive.current) setLoaded(true);
          }
        } while (again.current && alive.current);
      } finally {
        busy.current = false;
      }
    })();
  }, [api, merge]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(() => {
    if (!enabled) return undefined;
    refresh();
    const stop = api.live({ onSignal: refresh, onConnection: setConnected });
    return stop;
  }, [api, enabled, refresh]);

  return { messages, loaded, error, connected, refresh, merge };
}
