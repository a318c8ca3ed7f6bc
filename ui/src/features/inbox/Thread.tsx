import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conversationMessages, retryMessage, type MessageCursor, type ThreadMessage } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { MessageView } from './MessageView';
import { dayKey, dayLabel } from '../../kit/time';

export const PAGE_SIZE = 50;
/** How many older pages a jump to a search hit may load before it gives up. */
export const MAX_JUMP_PAGES = 20;

type Row = { kind: 'day'; key: string; at: number } | { kind: 'message'; key: string; item: ThreadMessage };

function buildRows(messages: ThreadMessage[]): Row[] {
  const rows: Row[] = [];
  let day = '';
  for (const item of messages) {
    const k = dayKey(item.message.created_at);
    if (k !== day) {
      rows.push({ kind: 'day', key: `day-${k}`, at: item.message.created_at });
      day = k;
    }
    rows.push({ kind: 'message', key: item.message.id, item });
  }
  return rows;
}

function isBefore(item: ThreadMessage, cursor: ThreadMessage): boolean {
  const a = item.message;
  const b = cursor.message;
  return a.created_at < b.created_at || (a.created_at === b.created_at && a.id < b.id);
}

/** A fresh latest page merged with what was loaded before it: older pages stay, the latest page replaces the rest. */
function mergeLatest(current: ThreadMessage[], latest: ThreadMessage[], latestIsWhole: boolean): ThreadMessage[] {
  const first = latest[0];
  if (latestIsWhole || !first) return latest;
  return [...current.filter((m) => isBefore(m, first)), ...latest];
}

export type JumpTarget = { messageId: string; nonce: number };

type Props = {
  conversationId: string;
  /** Bumped when the inbox changed: the latest page is read again. */
  version: number;
  subscriberName: string;
  me: string;
  jump: JumpTarget | null;
  onError: (message: string) => void;
};

type State = {
  messages: ThreadMessage[];
  older: MessageCursor | null;
  loaded: boolean;
};

/** The messages of one conversation: latest page first, older pages as you scroll up. */
export function Thread({ conversationId, version, subscriberName, me, jump, onError }: Props) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<State>({ messages: [], older: null, loaded: false });
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [atEnd, setAtEnd] = useState(true);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [jumpMissing, setJumpMissing] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const generation = useRef(0);
  const olderInFlight = useRef(false);
  const scrollToEndPending = useRef(false);
  const jumpPages = useRef(0);
  const stateRef = useRef(state);

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  // The parent keys this component by conversation, so this runs once per conversation.
  useEffect(() => {
    const gen = generation.current;
    conversationMessages(conversationId, null, PAGE_SIZE).then(
      (page) => {
        if (gen !== generation.current) return;
        scrollToEndPending.current = true;
        setState({ messages: page.messages, older: page.older, loaded: true });
      },
      (e: unknown) => {
        if (gen !== generation.current) return;
        setState((s) => ({ ...s, loaded: true }));
        onError(t('inbox.thread.loadFailed', { reason: describeError(t, asAppError(e)) }));
      },
    );
    return () => {
      generation.current += 1;
    };
    // Read once per conversation (the parent keys the thread by it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conversationId]);

  const refreshLatest = useCallback(() => {
    const gen = generation.current;
    conversationMessages(conversationId, null, PAGE_SIZE).then(
      (page) => {
        if (gen !== generation.current) return;
        setState((s) => {
          const messages = mergeLatest(s.messages, page.messages, page.older === null);
          // Older pages loaded before stay, and so does the cursor past them.
          const keptOlder = messages.length > page.messages.length;
          return { messages, older: keptOlder ? s.older : page.older, loaded: true };
        });
      },
      () => undefined,
    );
  }, [conversationId]);

  // The inbox changed (a pull, or our own write): read the latest page again.
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version === firstVersion.current) return;
    refreshLatest();
  }, [version, refreshLatest]);

  const loadOlder = useCallback(() => {
    const { older } = stateRef.current;
    if (!older || olderInFlight.current) return;
    olderInFlight.current = true;
    setLoadingOlder(true);
    const gen = generation.current;
    conversationMessages(conversationId, older, PAGE_SIZE)
      .then(
        (page) => {
          if (gen !== generation.current) return;
          setState((s) => {
            const known = new Set(s.messages.map((m) => m.message.id));
            return {
              ...s,
              messages: [...page.messages.filter((m) => !known.has(m.message.id)), ...s.messages],
              older: page.older,
            };
          });
        },
        (e: unknown) => {
          if (gen === generation.current)
            onError(t('inbox.thread.loadFailed', { reason: describeError(t, asAppError(e)) }));
        },
      )
      .finally(() => {
        if (gen !== generation.current) return;
        olderInFlight.current = false;
        setLoadingOlder(false);
      });
  }, [conversationId, onError, t]);

  const rows = useMemo(() => buildRows(state.messages), [state.messages]);

  // No React Compiler in this build; the virtualizer re-renders this component itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === 'day' ? 40 : 72),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
    // Prepending older messages keeps what is on screen where it is; new ones follow when at the bottom.
    anchorTo: 'end',
    followOnAppend: true,
  });

  useLayoutEffect(() => {
    if (!scrollToEndPending.current || rows.length === 0) return;
    scrollToEndPending.current = false;
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows.length, virtualizer]);

  // Jump to a search hit: load older pages until it is there (bounded), then show it.
  const lastJump = useRef<JumpTarget | null>(null);
  const handledJump = useRef<JumpTarget | null>(null);
  useEffect(() => {
    if (!jump || !state.loaded || handledJump.current === jump) return;
    if (jump !== lastJump.current) {
      lastJump.current = jump;
      jumpPages.current = 0;
    }
    const index = rows.findIndex((r) => r.kind === 'message' && r.key === jump.messageId);
    if (index >= 0) {
      handledJump.current = jump;
      scrollToEndPending.current = false;
      setJumpMissing(false);
      setHighlight(jump.messageId);
      virtualizer.scrollToIndex(index, { align: 'center' });
      return;
    }
    if (state.older && jumpPages.current < MAX_JUMP_PAGES) {
      if (!olderInFlight.current) {
        jumpPages.current += 1;
        loadOlder();
      }
      return;
    }
    handledJump.current = jump;
    setJumpMissing(true);
  }, [jump, rows, state.loaded, state.older, loadOlder, virtualizer, loadingOlder]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    if (el.scrollTop < 160) loadOlder();
    setAtEnd(el.scrollHeight - el.scrollTop - el.clientHeight < 120);
  };

  const jumpToLatest = () => {
    setHighlight(null);
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    setAtEnd(true);
  };

  const onRetry = async (messageId: string) => {
    try {
      await retryMessage(messageId);
      refreshLatest();
    } catch (e) {
      onError(t('inbox.retryFailed', { reason: describeError(t, asAppError(e)) }));
    }
  };

  const now = Date.now();
  return (
    <div className="ib-thread">
      {jumpMissing && (
        <p className="ib-thread-note" role="status" data-testid="jump-missing">
          {t('inbox.thread.jumpMissing')}
        </p>
      )}
      <div ref={scrollRef} className="ib-thread-scroll" onScroll={onScroll} data-testid="thread-scroll">
        {state.loaded && state.older === null && state.messages.length > 0 && (
          <p className="ib-thread-start muted">{t('inbox.thread.start')}</p>
        )}
        {loadingOlder && <p className="ib-thread-start muted">{t('inbox.thread.loadingOlder')}</p>}
        {!state.loaded && <p className="ib-thread-start muted">{t('inbox.thread.loading')}</p>}
        {state.loaded && state.messages.length === 0 && (
          <p className="ib-thread-start muted">{t('inbox.thread.empty')}</p>
        )}
        <div className="ib-thread-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index];
            if (!row) return null;
            return (
              <div
                key={v.key}
                data-index={v.index}
                ref={virtualizer.measureElement}
                className="ib-vrow"
                style={{ transform: `translateY(${v.start}px)` }}
              >
                {row.kind === 'day' ? (
                  <div className="ib-day" data-testid="day-separator">
                    <span>{dayLabel(row.at, now, i18n.language, t)}</span>
                  </div>
                ) : (
                  <MessageView
                    item={row.item}
                    subscriberName={subscriberName}
                    highlighted={highlight === row.key}
                    me={me}
                    onRetry={onRetry}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {!atEnd && rows.length > 0 && (
        <button type="button" className="btn ib-jump-latest" data-testid="jump-latest" onClick={jumpToLatest}>
          {t('inbox.thread.jumpLatest')} ↓
        </button>
      )}
    </div>
  );
}
