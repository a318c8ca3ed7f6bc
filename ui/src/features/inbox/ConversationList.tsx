import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationListItem, Presence } from '../../platform';
import { ClockIcon } from './ClockIcon';
import { RowPresence } from './Presence';
import { relativeTime } from '../../kit/time';

export const ROW_HEIGHT = 84;

type Props = {
  items: ConversationListItem[];
  openId: string | null;
  checked: ReadonlySet<string>;
  now: number;
  /** Colleagues viewing or typing, per conversation (never oneself); null while that is unknown (offline). */
  presence?: ReadonlyMap<string, readonly Presence[]> | null;
  onOpen: (id: string) => void;
  /** A click on a checkbox (or a Ctrl/Shift+click on a row): range when shift is held. */
  onCheck: (id: string, range: boolean) => void;
  /** The list goes on past `items`; `onMore` asks for a longer page. */
  more?: boolean;
  onMore?: () => void;
};

/** How close to the last row read the next page is asked for. */
const LOOKAHEAD = 30;

/** The conversations, newest activity first, drawn only where they are on screen. */
export function ConversationList({
  items,
  openId,
  checked,
  now,
  presence = null,
  onOpen,
  onCheck,
  more = false,
  onMore,
}: Props) {
  const { t, i18n } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  // No React Compiler in this build; the virtualizer re-renders this component itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => items[i]?.conversation.id ?? i,
    overscan: 6,
  });

  // Keep the open conversation on screen when J/K moves it.
  const openIndex = openId === null ? -1 : items.findIndex((item) => item.conversation.id === openId);
  useEffect(() => {
    if (openIndex >= 0) virtualizer.scrollToIndex(openIndex, { align: 'auto' });
  }, [openIndex, virtualizer]);

  const lastShown = virtualizer.getVirtualItems().at(-1)?.index ?? -1;
  const nearEnd = more && lastShown >= items.length - LOOKAHEAD;
  useEffect(() => {
    if (nearEnd) onMore?.();
  }, [nearEnd, items.length, onMore]);

  const onRowClick = (event: MouseEvent, id: string) => {
    if (event.shiftKey || event.metaKey || event.ctrlKey) {
      event.preventDefault();
      onCheck(id, event.shiftKey);
      return;
    }
    onOpen(id);
  };

  return (
    <div
      ref={scrollRef}
      className="ib-list-scroll"
      data-testid="conversation-list"
      role="listbox"
      aria-label={t('inbox.list.label')}
      aria-multiselectable="true"
    >
      <div className="ib-list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const item = items[v.index];
          if (!item) return null;
          const c = item.conversation;
          const isOpen = c.id === openId;
          const isChecked = checked.has(c.id);
          return (
            <div
              key={v.key}
              role="option"
              aria-selected={isOpen}
              tabIndex={-1}
              className={`ib-conv${isOpen ? ' is-open' : ''}${isChecked ? ' is-checked' : ''}${item.unread > 0 ? ' is-unread' : ''}`}
              style={{ height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
              data-testid="conversation-row"
              data-conversation-id={c.id}
              onClick={(e) => onRowClick(e, c.id)}
            >
              <input
                type="checkbox"
                className="ib-conv-check"
                data-testid="conversation-check"
                aria-label={t('inbox.list.select', { name: item.subscriber_name })}
                checked={isChecked}
                onClick={(e) => e.stopPropagation()}
                onChange={(e) => onCheck(c.id, (e.nativeEvent as { shiftKey?: boolean }).shiftKey === true)}
              />
              <div className="ib-conv-body">
                <div className="ib-conv-line">
                  <span className="ib-conv-name" data-testid="conversation-name">
                    <bdi>{item.subscriber_name}</bdi>
                  </span>
                  {presence && <RowPresence people={presence.get(c.id) ?? []} />}
                  <span className="ib-conv-time muted">{relativeTime(c.last_activity_at, now, i18n.language, t)}</span>
                </div>
                <div className="ib-conv-line">
                  <span className="ib-conv-preview" data-testid="conversation-preview">
                    <bdi>{c.preview}</bdi>
                  </span>
                  {item.unread > 0 && (
                    <span
                      className="ib-unread"
                      data-testid="conversation-unread"
                      aria-label={t('inbox.list.unread', { count: item.unread })}
                    >
                      {item.unread > 99 ? '99+' : item.unread}
                    </span>
                  )}
                </div>
                <div className="ib-conv-line ib-conv-tags">
                  <span className={`ib-account-dot ib-account-${item.platform}`} aria-hidden="true" />
                  <span className="ib-conv-account muted">
                    <bdi>{item.account_name}</bdi>
                  </span>
                  <span className={`ib-status ib-status-${c.status}`} data-testid="conversation-status">
                    {t(`inbox.status.${c.status}`)}
                  </span>
                  {c.labels.slice(0, 3).map((label) => (
                    <span key={label} className="ib-label ib-label-small">
                      <bdi>{label}</bdi>
                    </span>
                  ))}
                  {item.waiting && (
                    <span className="ib-waiting" data-testid="conversation-waiting" title={t('inbox.list.waiting')}>
                      <ClockIcon />
                      <span className="visually-hidden">{t('inbox.list.waiting')}</span>
                    </span>
                  )}
                </div>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
