import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  assignConversations,
  dismissRejected,
  editConversationLabels,
  editSubscriberTags,
  keepMyNote,
  listAccounts,
  listConversations,
  markRead,
  onInboxChanged,
  searchMessages,
  setConversationStatus,
  setPresence,
  setSubscriberNote,
  threadInfo,
  type AccountListItem,
  type ConversationListItem,
  type ConversationStatus,
  type InboxFilter,
  type InboxScope,
  type SearchHit,
  type StaffUser,
  type ThreadInfo,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { Composer, type ComposerMode } from './Composer';
import { ConversationList } from './ConversationList';
import { CommandPalette, ShortcutSheet, type Command } from './Palette';
import { loadSavedViews, sameFilter, storeSavedViews, type SavedView } from './savedViews';
import { SearchResults } from './SearchResults';
import { STATUSES, SubscriberSidebar, ThreadHeader } from './Sidebar';
import { Thread, type JumpTarget } from './Thread';
import { colleaguesIn, usePresence } from './usePresence';
import './inbox.css';

export const DEFAULT_FILTER: InboxFilter = { account_id: null, scope: 'all', status: 'open', label: null };
const SCOPES: readonly InboxScope[] = ['mine', 'unassigned', 'all'];
export const SEARCH_DEBOUNCE_MS = 250;
/** Conversations read per page of the list; scrolling near the end reads the next. */
export const LIST_PAGE = 200;

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** The Conversations screen: list, thread with composer, and the subscriber beside it. */
export function InboxScreen({
  user,
  initialOpenId = null,
  canAnswer = true,
}: {
  user: StaffUser;
  initialOpenId?: string | null;
  /** The signed-in role may reply and write notes (the model's permission table says). */
  canAnswer?: boolean;
}) {
  const { t } = useTranslation();
  const me = user.id;
  const [filter, setFilter] = useState<InboxFilter>(DEFAULT_FILTER);
  const [items, setItems] = useState<ConversationListItem[] | null>(null);
  const [more, setMore] = useState(false);
  // How long a page of the list to read, for the filter it was asked for;
  // another filter starts again at one page.
  const [asked, setAsked] = useState<{ filter: InboxFilter; limit: number }>({ filter: DEFAULT_FILTER, limit: LIST_PAGE });
  const limit = asked.filter === filter ? asked.limit : LIST_PAGE;
  const [listError, setListError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [openId, setOpenId] = useState<string | null>(initialOpenId);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<string | null>(null);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [info, setInfo] = useState<ThreadInfo | null>(null);
  const [jump, setJump] = useState<JumpTarget | null>(null);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [palette, setPalette] = useState(false);
  const [sheet, setSheet] = useState(false);
  const [views, setViews] = useState<SavedView[]>(() => loadSavedViews());
  const [naming, setNaming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const [accounts, setAccounts] = useState<AccountListItem[]>([]);
  const [seenLabels, setSeenLabels] = useState<ReadonlySet<string>>(new Set());
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const showError = useCallback((message: string) => setNotice(message), []);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const colleagues = usePresence(me);

  // Colleagues see which conversation is open here. Opening another one says
  // so (the server announces leaving the previous one); closing it, or leaving
  // the screen, says "none".
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

  useEffect(() => onInboxChanged(reload), [reload]);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(id);
  }, []);
  useEffect(() => {
    let live = true;
    listAccounts().then(
      (list) => {
        if (live) setAccounts(list.filter((a) => !a.account.archived));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  // The list: read again when the filter changes or the inbox changed.
  useEffect(() => {
    let live = true;
    listConversations(filter, limit).then(
      (page) => {
        if (!live) return;
        const list = page.items;
        setItems(list);
        setMore(page.more);
        setListError(null);
        setNow(Date.now());
        setSeenLabels((prev) => {
          const next = new Set(prev);
          for (const item of list) for (const label of item.conversation.labels) next.add(label);
          return next.size === prev.size ? prev : next;
        });
      },
      (e: unknown) => {
        if (live) setListError(t('inbox.list.loadFailed', { reason: describeError(t, asAppError(e)) }));
      },
    );
    return () => {
      live = false;
    };
  }, [filter, limit, version, t]);

  // Scrolled (or moved) near the end of what is read: read a longer page.
  const readMore = useCallback(() => {
    setAsked((prev) => ({ filter, limit: (prev.filter === filter ? prev.limit : LIST_PAGE) + LIST_PAGE }));
  }, [filter]);

  // The open conversation's header, window and subscriber.
  useEffect(() => {
    if (openId === null) return undefined;
    let live = true;
    threadInfo(openId).then(
      (next) => {
        if (live) setInfo(next);
      },
      (e: unknown) => {
        if (live) showError(t('inbox.thread.loadFailed', { reason: describeError(t, asAppError(e)) }));
      },
    );
    return () => {
      live = false;
    };
  }, [openId, version, showError, t]);

  const list = useMemo(() => items ?? [], [items]);
  const openItem = list.find((item) => item.conversation.id === openId) ?? null;
  const currentInfo = info && info.conversation.id === openId ? info : null;

  const open = useCallback(
    (id: string, target: JumpTarget | null = null) => {
      setOpenId(id);
      setJump(target);
      markRead(id).catch(() => undefined);
    },
    [],
  );

  // New messages arriving in the open thread are read as they come. (Not on
  // every inbox change: marking read is itself a change of the cache.)
  const openUnread = openItem?.unread ?? 0;
  useEffect(() => {
    if (openId !== null && openUnread > 0) markRead(openId).catch(() => undefined);
  }, [openId, openUnread]);

  const move = (step: 1 | -1) => {
    if (list.length === 0) return;
    if (step === 1 && more && openId === list[list.length - 1]?.conversation.id) readMore();
    const index = openId === null ? -1 : list.findIndex((item) => item.conversation.id === openId);
    const nextIndex = index < 0 ? (step === 1 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    const next = list[nextIndex];
    if (next && next.conversation.id !== openId) open(next.conversation.id);
  };

  const targets = (): string[] => (checked.size > 0 ? [...checked] : openId !== null ? [openId] : []);

  const act = (run: () => Promise<unknown>, clear = false) => {
    setBusy(true);
    run()
      .then(
        () => {
          if (clear) setChecked(new Set());
          reload();
        },
        (e: unknown) => showError(t('inbox.actionFailed', { reason: describeError(t, asAppError(e)) })),
      )
      .finally(() => setBusy(false));
  };

  const setStatus = (ids: string[], status: ConversationStatus) => {
    if (ids.length > 0) act(() => setConversationStatus(ids, status), ids.length > 1 || checked.size > 0);
  };
  const assign = (ids: string[], assignee: string | null) => {
    if (ids.length > 0) act(() => assignConversations(ids, assignee), ids.length > 1 || checked.size > 0);
  };
  const editLabels = (id: string, add: string[], remove: string[]) => act(() => editConversationLabels(id, add, remove));

  const toggleCheck = (id: string, range: boolean) => {
    setChecked((prev) => {
      const next = new Set(prev);
      const from = anchor === null ? -1 : list.findIndex((item) => item.conversation.id === anchor);
      const to = list.findIndex((item) => item.conversation.id === id);
      if (range && from >= 0 && to >= 0) {
        const [a, b] = from < to ? [from, to] : [to, from];
        for (let i = a; i <= b; i++) {
          const item = list[i];
          if (item) next.add(item.conversation.id);
        }
      } else if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      return next;
    });
    if (!range) setAnchor(id);
  };

  const allChecked = list.length > 0 && list.every((item) => checked.has(item.conversation.id));
  const toggleAll = () => setChecked(allChecked ? new Set() : new Set(list.map((item) => item.conversation.id)));

  const focusReply = (next: ComposerMode) => {
    setMode(next);
    // After the composer re-renders in the new mode.
    setTimeout(() => replyRef.current?.focus(), 0);
  };

  const changeFilter = (patch: Partial<InboxFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setChecked(new Set());
  };

  const onQuery = (value: string) => {
    setQuery(value);
    setHits(null);
    setSearchError(null);
  };
  const searching = query.trim().length > 0;
  useEffect(() => {
    const q = query.trim();
    if (q.length === 0) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      searchMessages(q).then(
        (found) => {
          if (live) setHits(found);
        },
        (e: unknown) => {
          if (live) setSearchError(t('inbox.search.failed', { reason: describeError(t, asAppError(e)) }));
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, version, t]);

  const jumpNonce = useRef(0);
  const openHit = (hit: SearchHit) => {
    jumpNonce.current += 1;
    open(hit.conversation_id, hit.message_id ? { messageId: hit.message_id, nonce: jumpNonce.current } : null);
  };

  const saveView = () => {
    const name = (naming ?? '').trim();
    if (!name) return;
    const next = [...views.filter((v) => v.name !== name), { name, filter }];
    setViews(next);
    storeSavedViews(next);
    setNaming(null);
  };
  const currentView = views.find((v) => sameFilter(v.filter, filter)) ?? null;
  const deleteView = (name: string) => {
    const next = views.filter((v) => v.name !== name);
    setViews(next);
    storeSavedViews(next);
  };

  // Shift+E: resolve the open conversation and go on to the next one (the one
  // before it when it was the last), as agents work down a queue.
  const resolveAndNext = () => {
    if (openId === null || checked.size > 0) {
      setStatus(targets(), 'resolved');
      return;
    }
    const index = list.findIndex((item) => item.conversation.id === openId);
    const next = index < 0 ? undefined : (list[index + 1] ?? list[index - 1]);
    setStatus([openId], 'resolved');
    if (next) open(next.conversation.id);
    else setOpenId(null);
  };

  const commands: Command[] = [
    { id: 'next', label: t('inbox.shortcuts.next'), keys: 'J', run: () => move(1) },
    { id: 'previous', label: t('inbox.shortcuts.previous'), keys: 'K', run: () => move(-1) },
    { id: 'resolve', label: t('inbox.shortcuts.resolve'), keys: 'E', disabled: targets().length === 0, run: () => setStatus(targets(), 'resolved') },
    { id: 'resolve-next', label: t('inbox.shortcuts.resolveNext'), keys: 'Shift+E', disabled: openId === null, run: resolveAndNext },
    { id: 'reopen', label: t('inbox.palette.reopen'), disabled: targets().length === 0, run: () => setStatus(targets(), 'open') },
    { id: 'pending', label: t('inbox.palette.pending'), disabled: targets().length === 0, run: () => setStatus(targets(), 'pending') },
    { id: 'assign', label: t('inbox.shortcuts.assignMe'), keys: 'A', disabled: targets().length === 0, run: () => assign(targets(), me) },
    { id: 'unassign', label: t('inbox.palette.unassign'), disabled: targets().length === 0, run: () => assign(targets(), null) },
    { id: 'reply', label: t('inbox.shortcuts.reply'), keys: 'R', disabled: openId === null, run: () => focusReply('reply') },
    { id: 'note', label: t('inbox.shortcuts.note'), keys: 'N', disabled: openId === null, run: () => focusReply('note') },
    { id: 'search', label: t('inbox.shortcuts.search'), keys: '/', run: () => searchRef.current?.focus() },
    ...SCOPES.map((scope) => ({ id: `scope-${scope}`, label: t('inbox.palette.showScope', { scope: t(`inbox.scope.${scope}`) }), run: () => changeFilter({ scope }) })),
    ...STATUSES.map((status) => ({ id: `status-${status}`, label: t('inbox.palette.showStatus', { status: t(`inbox.status.${status}`) }), run: () => changeFilter({ status }) })),
    ...views.map((v) => ({ id: `view-${v.name}`, label: t('inbox.palette.openView', { name: v.name }), run: () => changeFilter(v.filter) })),
    { id: 'shortcuts', label: t('inbox.shortcuts.shortcuts'), keys: '?', run: () => setSheet(true) },
  ];

  // Keyboard first: single keys act on the list and the open thread, never while typing.
  const onKey = useRef<(event: KeyboardEvent) => void>(() => undefined);
  useEffect(() => {
    onKey.current = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setSheet(false);
        setPalette((p) => !p);
        return;
      }
      if (palette || sheet || event.defaultPrevented || isTextField(event.target)) return;
      if (event.ctrlKey || event.metaKey) return;
      if (event.altKey) {
        if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          move(event.key === 'ArrowDown' ? 1 : -1);
        }
        return;
      }
      const run: Record<string, () => void> = {
        j: () => move(1),
        k: () => move(-1),
        e: () => setStatus(targets(), 'resolved'),
        a: () => assign(targets(), me),
        r: () => openId !== null && focusReply('reply'),
        n: () => openId !== null && focusReply('note'),
        x: () => openId !== null && toggleCheck(openId, false),
        '/': () => searchRef.current?.focus(),
        '?': () => setSheet(true),
        Escape: () => (checked.size > 0 ? setChecked(new Set()) : setOpenId(null)),
      };
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      if (event.shiftKey && key === 'e') {
        event.preventDefault();
        resolveAndNext();
        return;
      }
      const action = run[event.key === '?' ? '?' : key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey.current(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const filtered = !sameFilter(filter, DEFAULT_FILTER);
  const labels = [...new Set([...seenLabels, ...(filter.label ? [filter.label] : [])])].sort();
  const subscriberName = currentInfo?.subscriber.display_name ?? openItem?.subscriber_name ?? '';
  const accountName = currentInfo?.account.name ?? openItem?.account_name ?? '';
  const assignee = currentInfo?.conversation.assignee ?? openItem?.conversation.assignee ?? null;

  return (
    <div className="inbox" data-testid="inbox">
      <section className="ib-col ib-col-list" aria-label={t('inbox.list.label')}>
        <div className="ib-search">
          <input
            ref={searchRef}
            type="search"
            className="ib-search-input"
            data-testid="inbox-search"
            placeholder={t('inbox.search.placeholder')}
            aria-label={t('inbox.search.placeholder')}
            value={query}
            onChange={(e) => onQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                onQuery('');
                e.currentTarget.blur();
              }
            }}
          />
        </div>
        {!searching && (
          <div className="ib-filters">
            <div className="ib-segment" role="group" aria-label={t('inbox.filter.scope')}>
              {SCOPES.map((scope) => (
                <button
                  key={scope}
                  type="button"
                  className={`ib-segment-btn${filter.scope === scope ? ' is-active' : ''}`}
                  aria-pressed={filter.scope === scope}
                  data-testid={`scope-${scope}`}
                  onClick={() => changeFilter({ scope })}
                >
                  {t(`inbox.scope.${scope}`)}
                </button>
              ))}
            </div>
            <div className="ib-filter-row">
              <select
                aria-label={t('inbox.filter.status')}
                data-testid="filter-status"
                value={filter.status ?? ''}
                onChange={(e) => changeFilter({ status: e.target.value === '' ? null : (e.target.value as ConversationStatus) })}
              >
                <option value="">{t('inbox.filter.anyStatus')}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`inbox.status.${s}`)}
                  </option>
                ))}
              </select>
              <select
                aria-label={t('inbox.filter.label')}
                data-testid="filter-label"
                value={filter.label ?? ''}
                onChange={(e) => changeFilter({ label: e.target.value === '' ? null : e.target.value })}
              >
                <option value="">{t('inbox.filter.anyLabel')}</option>
                {labels.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className={`btn btn-small ib-unread-toggle${filter.unread_only ? ' is-active' : ''}`}
                aria-pressed={filter.unread_only === true}
                data-testid="filter-unread"
                onClick={() => changeFilter({ unread_only: !filter.unread_only })}
              >
                {t('inbox.filter.unread')}
              </button>
              {accounts.length > 1 && (
                <select
                  aria-label={t('inbox.filter.account')}
                  data-testid="filter-account"
                  value={filter.account_id ?? ''}
                  onChange={(e) => changeFilter({ account_id: e.target.value === '' ? null : e.target.value })}
                >
                  <option value="">{t('inbox.filter.anyAccount')}</option>
                  {accounts.map((a) => (
                    <option key={a.account.id} value={a.account.id}>
                      {a.account.name}
                    </option>
                  ))}
                </select>
              )}
            </div>
            <div className="ib-filter-row ib-views">
              <select
                aria-label={t('inbox.views.label')}
                data-testid="saved-views"
                value={currentView?.name ?? ''}
                onChange={(e) => {
                  const view = views.find((v) => v.name === e.target.value);
                  if (view) changeFilter(view.filter);
                }}
              >
                <option value="">{views.length === 0 ? t('inbox.views.none') : t('inbox.views.choose')}</option>
                {views.map((v) => (
                  <option key={v.name} value={v.name}>
                    {v.name}
                  </option>
                ))}
              </select>
              {currentView ? (
                <button type="button" className="btn btn-small btn-ghost" data-testid="delete-view" onClick={() => deleteView(currentView.name)}>
                  {t('inbox.views.delete')}
                </button>
              ) : naming === null ? (
                <button type="button" className="btn btn-small btn-ghost" data-testid="save-view" onClick={() => setNaming('')}>
                  {t('inbox.views.save')}
                </button>
              ) : (
                <form
                  className="ib-view-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    saveView();
                  }}
                >
                  <input
                    autoFocus
                    data-testid="view-name"
                    value={naming}
                    maxLength={40}
                    placeholder={t('inbox.views.name')}
                    aria-label={t('inbox.views.name')}
                    onChange={(e) => setNaming(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Escape') setNaming(null);
                    }}
                  />
                  <button type="submit" className="btn btn-small" disabled={naming.trim().length === 0}>
                    {t('inbox.views.keep')}
                  </button>
                </form>
              )}
            </div>
          </div>
        )}
        {!searching && list.length > 0 && (
          <div className={`ib-bulk${checked.size > 0 ? ' is-active' : ''}`} data-testid="bulk-bar">
            <label className="ib-bulk-all">
              <input type="checkbox" checked={allChecked} onChange={toggleAll} data-testid="check-all" aria-label={t('inbox.bulk.all')} />
              <span>{checked.size > 0 ? t('inbox.bulk.selected', { count: checked.size }) : t('inbox.list.count', { count: list.length })}</span>
            </label>
            {checked.size > 0 && (
              <div className="ib-bulk-actions">
                <button type="button" className="btn btn-small" data-testid="bulk-assign-me" disabled={busy} onClick={() => assign([...checked], me)}>
                  {t('inbox.bulk.assignMe')}
                </button>
                <button type="button" className="btn btn-small" data-testid="bulk-unassign" disabled={busy} onClick={() => assign([...checked], null)}>
                  {t('inbox.bulk.unassign')}
                </button>
                <select
                  aria-label={t('inbox.bulk.setStatus')}
                  data-testid="bulk-status"
                  value=""
                  disabled={busy}
                  onChange={(e) => {
                    if (e.target.value) setStatus([...checked], e.target.value as ConversationStatus);
                  }}
                >
                  <option value="">{t('inbox.bulk.setStatus')}</option>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`inbox.status.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
            )}
          </div>
        )}
        {notice && (
          <div className="ib-notice" role="alert" data-testid="inbox-notice">
            <span>{notice}</span>
            <button type="button" className="btn btn-link" onClick={() => setNotice(null)}>
              {t('rejected.dismiss')}
            </button>
          </div>
        )}
        {listError && (
          <p className="form-error ib-list-error" role="alert" data-testid="inbox-list-error">
            {listError}
          </p>
        )}
        {searching ? (
          <SearchResults query={query.trim()} hits={hits} error={searchError} onOpen={openHit} />
        ) : items === null ? (
          !listError && <p className="muted ib-pad">{t('inbox.list.loading')}</p>
        ) : list.length === 0 ? (
          <div className="ib-empty" data-testid="inbox-empty">
            <div className="empty-mark" aria-hidden="true" />
            <h2>{filtered ? t('inbox.empty.filteredTitle') : t('inbox.empty.title')}</h2>
            <p className="muted">{filtered ? t('inbox.empty.filteredBody') : t('inbox.empty.body')}</p>
            {filtered && (
              <button type="button" className="btn" onClick={() => changeFilter({ ...DEFAULT_FILTER, status: null })}>
                {t('inbox.empty.showAll')}
              </button>
            )}
          </div>
        ) : (
          <ConversationList
            items={list}
            openId={openId}
            checked={checked}
            now={now}
            presence={colleagues?.live ? colleagues.byConversation : null}
            onOpen={(id) => open(id)}
            onCheck={toggleCheck}
            more={more}
            onMore={readMore}
          />
        )}
      </section>

      <section className="ib-col ib-col-thread" aria-label={t('inbox.thread.label')}>
        {openId === null ? (
          <div className="ib-empty ib-empty-thread" data-testid="thread-empty">
            <div className="empty-mark" aria-hidden="true" />
            <h2>{t('inbox.empty.selectTitle')}</h2>
            <p className="muted">{t('inbox.empty.selectBody')}</p>
            <p className="muted ib-empty-keys">{t('inbox.empty.keys')}</p>
          </div>
        ) : (
          <>
            <ThreadHeader
              info={currentInfo}
              subscriberName={subscriberName}
              accountName={accountName}
              me={me}
              busy={busy}
              presence={colleagues && { live: colleagues.live, people: colleaguesIn(colleagues, openId) }}
              onStatus={(status) => setStatus([openId], status)}
              onAssign={(who) => assign([openId], who)}
              onLabels={(add, remove) => editLabels(openId, add, remove)}
              onClose={() => setOpenId(null)}
            />
            <Thread key={openId} conversationId={openId} version={version} subscriberName={subscriberName} me={me} jump={jump} onError={showError} />
            <Composer
              key={`composer-${openId}`}
              conversationId={openId}
              mode={mode}
              onModeChange={setMode}
              window={currentInfo?.window ?? null}
              subscriberName={subscriberName}
              accountName={accountName}
              assignedToOther={assignee !== null && assignee !== me}
              canAnswer={canAnswer}
              colleagues={colleaguesIn(colleagues, openId)}
              textareaRef={replyRef}
              onSent={reload}
              onError={showError}
            />
          </>
        )}
      </section>

      {openId !== null && (
        <section className="ib-col ib-col-side">
          <SubscriberSidebar
            key={openId}
            info={currentInfo}
            onOpenConversation={(id) => open(id)}
            onTags={async (add, remove) => {
              if (!currentInfo) return;
              await editSubscriberTags(currentInfo.subscriber.id, add, remove);
              reload();
            }}
            onNote={async (note, base) => {
              if (!currentInfo) return;
              await setSubscriberNote(currentInfo.subscriber.id, note, base);
              reload();
            }}
            onKeepMine={async (conflict) => {
              await keepMyNote(conflict.id);
              reload();
            }}
            onKeepTheirs={async (conflict) => {
              await dismissRejected(conflict.id);
              reload();
            }}
          />
        </section>
      )}

      {palette && <CommandPalette commands={commands} onClose={() => setPalette(false)} />}
      {sheet && <ShortcutSheet onClose={() => setSheet(false)} />}
    </div>
  );
}
