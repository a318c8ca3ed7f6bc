import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SubscriberNote, SubscriberProfile, SubscriberTags } from '../../kit/SubscriberFacts';
import { dateTime } from '../../kit/time';
import {
  listSubscribers,
  onInboxChanged,
  editSubscriberTags,
  setSubscriberNote,
  type SubscriberFilter,
  type SubscriberListItem,
} from '../../platform';
import { Avatar } from '../../kit/Avatar';
import { asAppError, describeError } from '../../kit/errors';
import { BulkTagBar } from './BulkTagBar';
import { FollowerImportPanel } from './FollowerImportPanel';
import { useAccounts } from '../../kit/useAccounts';
import { useQuery, useReloadKey } from '../../kit/useQuery';

/** Subscribers read per page; scrolling near the end reads the next. */
export const SUBSCRIBER_PAGE = 200;
export const SUBSCRIBER_SEARCH_MS = 200;
const ROW_HEIGHT = 64;
const LOOKAHEAD = 30;
const EVERYONE: SubscriberFilter = { account_id: null, text: '', following_only: false };

type Props = {
  /** Opens a conversation in the Conversations screen. */
  onOpenConversation: (conversationId: string) => void;
};

/**
 * Everyone who follows (or wrote to) the workspace's accounts, from the cache:
 * found by name, tag or private note, works offline; tags and the note are
 * edited here as in a conversation's sidebar.
 */
export function SubscribersScreen({ onOpenConversation }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<SubscriberFilter>(EVERYONE);
  const [limit, setLimit] = useState(SUBSCRIBER_PAGE);
  const [selected, setSelected] = useState<string | null>(null);
  // Checked for a bulk tag. Only those the list shows count: a new search leaves the others out.
  const [checkedIds, setChecked] = useState<ReadonlySet<string>>(new Set());
  // Follows account changes (a new account's followers can be imported at once).
  const accounts = useAccounts().active;
  // Every read here follows the inbox's changes, and our own edits.
  const [version, reload] = useReloadKey(onInboxChanged);

  const change = useCallback((patch: Partial<SubscriberFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setLimit(SUBSCRIBER_PAGE);
  }, []);

  // Typing searches once it pauses.
  useEffect(() => {
    const timer = setTimeout(() => change({ text }), SUBSCRIBER_SEARCH_MS);
    return () => clearTimeout(timer);
  }, [text, change]);
  const page = useQuery(() => listSubscribers(filter, limit), [filter, limit, version]);
  const items: SubscriberListItem[] | null = page.data?.items ?? null;
  const more = page.data?.more ?? false;
  // A failure shows until the next answer; the last list stays meanwhile.
  const error = page.error ? t('subscribers.loadFailed', { reason: describeError(t, asAppError(page.error)) }) : null;

  const list = items ?? [];
  const current = list.find((item) => item.subscriber.id === selected) ?? null;
  const readMore = useCallback(() => setLimit((l) => l + SUBSCRIBER_PAGE), []);
  const checked: ReadonlySet<string> = new Set(
    list.filter((item) => checkedIds.has(item.subscriber.id)).map((item) => item.subscriber.id),
  );
  const allChecked = list.length > 0 && checked.size === list.length;
  const toggleAll = () => setChecked(allChecked ? new Set() : new Set(list.map((item) => item.subscriber.id)));
  const check = useCallback(
    (subscriberId: string) =>
      setChecked((prev) => {
        const next = new Set(prev);
        if (!next.delete(subscriberId)) next.add(subscriberId);
        return next;
      }),
    [],
  );
  // The WeChat or Alipay account chosen (or the only account): its followers can be imported.
  const chosen = filter.account_id ?? (accounts.length === 1 ? (accounts[0]?.account.id ?? null) : null);
  const importable =
    accounts.find(
      (a) => a.account.id === chosen && (a.account.platform === 'wechat' || a.account.platform === 'alipay'),
    )?.account.id ?? null;

  return (
    <div className="subs" data-testid="subscribers-screen">
      <section className="subs-col subs-col-list" aria-label={t('subscribers.listLabel')}>
        <div className="subs-filters">
          <label className="visually-hidden" htmlFor={`${id}-search`}>
            {t('subscribers.search')}
          </label>
          <input
            id={`${id}-search`}
            type="search"
            className="subs-search"
            placeholder={t('subscribers.search')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="subscribers-search"
          />
          <div className="subs-filter-row">
            {accounts.length > 1 && (
              <select
                aria-label={t('subscribers.account')}
                value={filter.account_id ?? ''}
                onChange={(e) => change({ account_id: e.target.value === '' ? null : e.target.value })}
                data-testid="subscribers-account"
              >
                <option value="">{t('subscribers.anyAccount')}</option>
                {accounts.map((a) => (
                  <option key={a.account.id} value={a.account.id}>
                    {a.account.name}
                  </option>
                ))}
              </select>
            )}
            <label className="choice subs-following">
              <input
                type="checkbox"
                checked={filter.following_only}
                onChange={(e) => change({ following_only: e.target.checked })}
                data-testid="subscribers-following"
              />
              <span>{t('subscribers.followingOnly')}</span>
            </label>
          </div>
        </div>
        {importable && <FollowerImportPanel key={importable} accountId={importable} />}
        <BulkTagBar
          shown={list.length}
          more={more}
          checked={checked}
          allChecked={allChecked}
          onToggleAll={toggleAll}
          filter={filter}
          onDone={() => {
            setChecked(new Set());
            reload();
          }}
        />
        {error && (
          <p className="form-error" role="alert" data-testid="subscribers-error">
            {error}
          </p>
        )}
        {items !== null && list.length === 0 ? (
          <div className="subs-empty" data-testid="subscribers-empty">
            <div className="empty-mark" aria-hidden="true" />
            <p className="muted">
              {filter.text || filter.following_only || filter.account_id
                ? t('subscribers.noMatch')
                : t('subscribers.empty')}
            </p>
          </div>
        ) : (
          <SubscriberList
            items={list}
            selected={selected}
            checked={checked}
            more={more}
            onMore={readMore}
            onSelect={setSelected}
            onCheck={check}
          />
        )}
      </section>
      <section className="subs-col subs-col-detail" aria-label={t('subscribers.detailLabel')}>
        {current ? (
          <SubscriberDetail
            key={current.subscriber.id}
            item={current}
            onOpenConversation={onOpenConversation}
            onTags={async (add, remove) => {
              await editSubscriberTags(current.subscriber.id, add, remove);
              reload();
            }}
            onNote={async (note, base) => {
              await setSubscriberNote(current.subscriber.id, note, base);
              reload();
            }}
          />
        ) : (
          <div className="subs-empty" data-testid="subscribers-select">
            <p className="muted">{t('subscribers.selectPrompt')}</p>
          </div>
        )}
      </section>
    </div>
  );
}

function SubscriberList({
  items,
  selected,
  checked,
  more,
  onMore,
  onSelect,
  onCheck,
}: {
  items: SubscriberListItem[];
  selected: string | null;
  checked: ReadonlySet<string>;
  more: boolean;
  onMore: () => void;
  onSelect: (id: string) => void;
  onCheck: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  // No React Compiler in this build; the virtualizer re-renders this component itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => items[i]?.subscriber.id ?? i,
    overscan: 8,
  });
  const lastShown = virtualizer.getVirtualItems().at(-1)?.index ?? -1;
  const nearEnd = more && lastShown >= items.length - LOOKAHEAD;
  useEffect(() => {
    if (nearEnd) onMore();
  }, [nearEnd, items.length, onMore]);

  return (
    <div
      ref={setScroller}
      className="subs-list"
      role="listbox"
      aria-label={t('subscribers.listLabel')}
      data-testid="subscriber-list"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const item = items[v.index];
          if (!item) return null;
          const s = item.subscriber;
          return (
            <div
              key={v.key}
              role="option"
              aria-selected={s.id === selected}
              tabIndex={0}
              className={`subs-row${s.id === selected ? ' is-selected' : ''}`}
              style={{ height: ROW_HEIGHT, transform: `translateY(${v.start}px)` }}
              data-testid="subscriber-row"
              data-subscriber-id={s.id}
              onClick={() => onSelect(s.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect(s.id);
                }
              }}
            >
              <input
                type="checkbox"
                className="subs-row-check"
                checked={checked.has(s.id)}
                aria-label={t('subscribers.bulk.select', { name: s.display_name })}
                onClick={(e) => e.stopPropagation()}
                onKeyDown={(e) => e.stopPropagation()}
                onChange={() => onCheck(s.id)}
                data-testid="subscriber-check"
              />
              <Avatar name={s.display_name} color={s.following ? '#1677ff' : '#8a919f'} />
              <div className="subs-row-text">
                <span className="subs-row-name" data-testid="subscriber-name">
                  <bdi>{s.display_name}</bdi>
                </span>
                <span className="muted subs-row-meta">
                  <bdi>{item.account_name}</bdi>
                  {' · '}
                  {s.following
                    ? s.followed_at !== null
                      ? t('subscribers.followedOn', { date: dateTime(s.followed_at, i18n.language) })
                      : t('inbox.sidebar.yes')
                    : t('inbox.sidebar.notFollowing')}
                </span>
              </div>
              <span className="subs-row-tags">
                {s.tags.slice(0, 3).map((tag) => (
                  <span key={tag} className="ib-label">
                    {tag}
                  </span>
                ))}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

type DetailProps = {
  item: SubscriberListItem;
  onOpenConversation: (conversationId: string) => void;
  onTags: (add: string[], remove: string[]) => Promise<void>;
  onNote: (note: string, base: string) => Promise<void>;
};

function SubscriberDetail({ item, onOpenConversation, onTags, onNote }: DetailProps) {
  const { t, i18n } = useTranslation();
  const s = item.subscriber;
  return (
    <div className="subs-detail" data-testid="subscriber-detail">
      <SubscriberProfile
        subscriber={s}
        accountName={item.account_name}
        platform={item.platform}
        nameTestId="subscriber-detail-name"
      >
        <dt>{t('subscribers.platformUserId')}</dt>
        <dd className="subs-mono">{s.platform_user_id}</dd>
        {item.last_activity_at !== null && (
          <>
            <dt>{t('subscribers.lastActivity')}</dt>
            <dd>{dateTime(item.last_activity_at, i18n.language)}</dd>
          </>
        )}
      </SubscriberProfile>
      <SubscriberTags tags={s.tags} onEdit={onTags} />
      <SubscriberNote note={s.note} onSave={onNote} />
      {item.conversation_id ? (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => onOpenConversation(item.conversation_id!)}
          data-testid="subscriber-open-conversation"
        >
          {t('subscribers.openConversation')}
        </button>
      ) : (
        <p className="muted">{t('subscribers.noConversation')}</p>
      )}
    </div>
  );
}
