import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { onPresence, presence, setPresence, type Presence, type PresenceSnapshot } from '../../platform';

/** While keys are pressed, "typing" is said again at most this often. */
export const TYPING_THROTTLE_MS = 2_000;
/** This long without a key pressed, and the staff member is back to "viewing". */
export const TYPING_IDLE_MS = 4_000;

export type Colleagues = {
  /** False while the live feed is down: who is where is unknown then, not "nobody". */
  live: boolean;
  /** Per conversation, the colleagues (never oneself) viewing or typing in it: typing first, then by name. */
  byConversation: ReadonlyMap<string, readonly Presence[]>;
};

const NOBODY: readonly Presence[] = [];

/** The colleagues in one conversation; empty when none (or unknown). */
export function colleaguesIn(colleagues: Colleagues | null, conversationId: string): readonly Presence[] {
  return colleagues?.byConversation.get(conversationId) ?? NOBODY;
}

/** Groups a snapshot by conversation, without oneself, one entry per colleague (typing wins). */
export function groupPresence(snapshot: PresenceSnapshot, me: string): Colleagues {
  const byConversation = new Map<string, Map<string, Presence>>();
  if (snapshot.live) {
    for (const entry of snapshot.entries) {
      if (entry.staff_id === me || entry.state === 'left') continue;
      let people = byConversation.get(entry.conversation_id);
      if (!people) {
        people = new Map();
        byConversation.set(entry.conversation_id, people);
      }
      const known = people.get(entry.staff_id);
      if (!known || (known.state !== 'typing' && entry.state === 'typing')) people.set(entry.staff_id, entry);
    }
  }
  const sorted = new Map<string, readonly Presence[]>();
  for (const [id, people] of byConversation) {
    sorted.set(
      id,
      [...people.values()].sort(
        (a, b) =>
          Number(b.state === 'typing') - Number(a.state === 'typing') ||
          a.display_name.localeCompare(b.display_name) ||
          a.staff_id.localeCompare(b.staff_id),
      ),
    );
  }
  return { live: snapshot.live, byConversation: sorted };
}

/**
 * Colleagues' presence as the core last heard it: the current snapshot, then
 * every update. Null until the first snapshot is known.
 */
export function usePresence(me: string): Colleagues | null {
  const [snapshot, setSnapshot] = useState<PresenceSnapshot | null>(null);

  useEffect(() => {
    let mounted = true;
    // An update heard before the first read answers is newer than that answer.
    let heard = false;
    const stop = onPresence((next) => {
      heard = true;
      if (mounted) setSnapshot(next);
    });
    presence().then(
      (first) => {
        if (mounted && !heard) setSnapshot(first);
      },
      () => {
        if (mounted && !heard) setSnapshot({ live: false, entries: [] });
      },
    );
    return () => {
      mounted = false;
      stop();
    };
  }, []);

  return useMemo(() => (snapshot ? groupPresence(snapshot, me) : null), [snapshot, me]);
}

/**
 * Tells colleagues that a reply or note is being typed in the conversation:
 * `typed()` on every change of the text says "typing" (at most once per
 * TYPING_THROTTLE_MS) and "viewing" again after TYPING_IDLE_MS without one;
 * `stopped()` says "viewing" at once (the text was sent). Opening, switching
 * and closing conversations is said by the inbox, so unmounting says nothing.
 */
export function useTypingPresence(conversationId: string): { typed: () => void; stopped: () => void } {
  const lastSaid = useRef<number | null>(null);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (idle.current !== null) clearTimeout(idle.current);
      idle.current = null;
      lastSaid.current = null;
    },
    [conversationId],
  );

  const stopped = useCallback(() => {
    if (idle.current === null) return;
    clearTimeout(idle.current);
    idle.current = null;
    lastSaid.current = null;
    setPresence(conversationId, false).catch(() => undefined);
  }, [conversationId]);

  const typed = useCallback(() => {
    const now = Date.now();
    if (lastSaid.current === null || now - lastSaid.current >= TYPING_THROTTLE_MS) {
      lastSaid.current = now;
      setPresence(conversationId, true).catch(() => undefined);
    }
    if (idle.current !== null) clearTimeout(idle.current);
    idle.current = setTimeout(() => {
      idle.current = null;
      lastSaid.current = null;
      setPresence(conversationId, false).catch(() => undefined);
    }, TYPING_IDLE_MS);
  }, [conversationId]);

  return { typed, stopped };
}
