import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  assignConversations,
  dismissRejected,
  editConversationLabels,
  editSubscriberTags,
  keepMyNote,
  markRead,
  onInboxChanged,
  setConversationStatus,
  setSubscriberNote,
  threadInfo,
  type ConversationStatus,
  type InboxFilter,
  type SearchHit,
  type StaffUser,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useShortcuts, type Action, type Command } from '../../kit/shortcuts';
import { useAccounts } from '../../kit/useAccounts';
import { useNow } from '../../kit/useNow';
import { useQuery, useReloadKey } from '../../kit/useQuery';
import { BulkBar } from './BulkBar';
import type { ComposerMode } from './Composer';
import { ListBody } from './ListBody';
import { ListFilters, SCOPES, SearchBox } from './ListFilters';
import { CommandPalette, ShortcutSheet } from './Palette';
import { sameFilter } from './savedViews';
import { INBOX_SHORTCUTS, type InboxAction } from './shortcuts';
import { STATUSES, SubscriberSidebar } from './Sidebar';
import { ThreadPane } from './ThreadPane';
import type { JumpTarget } from './Thread';
import { useConversationList } from './useConversationList';
import { useInboxSearch } from './useInboxSearch';
import { useOpenPresence } from './useOpenPresence';
import { usePresence } from './usePresence';
import { useSavedViews } from './useSavedViews';
import { useSelection } from './useSelection';
import './inbox.css';

export { LIST_PAGE } from './useConversationList';
export { SEARCH_DEBOUNCE_MS } from './useInboxSearch';
export const DEFAULT_FILTER: InboxFilter = { account_id: null, scope: 'all', status: 'open', label: null };

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
  const [openId, setOpenId] = useState<string | null>(initialOpenId);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [jump, setJump] = useState<JumpTarget | null>(null);
  const [palette, setPalette] = useState(false);
  const [sheet, setSheet] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const showError = useCallback((message: string) => setNotice(message), []);
  // Every read here follows the inbox: the core's change event, and our own edits.
  const [version, reload] = useReloadKey(onInboxChanged);
  const [now, refreshNow] = useNow(60_000);
  const colleagues = usePresence(me);
  useOpenPresence(openId);
  const accounts = useAccounts().active;
  const {
    items,
    list,
    more,
    error: listError,
    readMore,
    seenLabels,
  } = useConversationList(filter, version, refreshNow);
  const selection = useSelection(list);
  const search = useInboxSearch(version);
  const views = useSavedViews(filter);

  // The open conversation's header, window and subscriber.
  const { data: info } = useQuery(openId === null ? null : () => threadInfo(openId), [openId, version], {
    onError: (e) => showError(t('inbox.thread.loadFailed', { reason: describeError(t, asAppError(e)) })),
  });
  const openItem = list.find((item) => item.conversation.id === openId) ?? null;
  const currentInfo = info && info.conversation.id === openId ? info : null;

  const open = useCallback((id: string, target: JumpTarget | null = null) => {
    setOpenId(id);
    setJump(target);
    markRead(id).catch(() => undefined);
  }, []);

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
    const nextIndex =
      index < 0 ? (step === 1 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    const next = list[nextIndex];
    if (next && next.conversation.id !== openId) open(next.conversation.id);
  };

  const { checked } = selection;
  const targets = (): string[] => (checked.size > 0 ? [...checked] : openId !== null ? [openId] : []);

  const act = (run: () => Promise<unknown>, clear = false) => {
    setBusy(true);
    run()
      .then(
        () => {
          if (clear) selection.clear();
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

  const focusReply = (next: ComposerMode) => {
    setMode(next);
    // After the composer re-renders in the new mode.
    setTimeout(() => replyRef.current?.focus(), 0);
  };
  const changeFilter = (patch: Partial<InboxFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    selection.clear();
  };

  const jumpNonce = useRef(0);
  const openHit = (hit: SearchHit) => {
    jumpNonce.current += 1;
    open(hit.conversation_id, hit.message_id ? { messageId: hit.message_id, nonce: jumpNonce.current } : null);
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

  // What each entry of the shortcut table does here: the keys, the palette and the help sheet read the same table.
  const none = targets().length === 0;
  const actions: Partial<Record<InboxAction, Action>> = {
    next: { run: () => move(1) },
    previous: { run: () => move(-1) },
    resolve: { run: () => setStatus(targets(), 'resolved'), disabled: none },
    resolveNext: { run: resolveAndNext, disabled: openId === null },
    reopen: { run: () => setStatus(targets(), 'open'), disabled: none },
    pending: { run: () => setStatus(targets(), 'pending'), disabled: none },
    assignMe: { run: () => assign(targets(), me), disabled: none },
    unassign: { run: () => assign(targets(), null), disabled: none },
    reply: { run: () => openId !== null && focusReply('reply'), disabled: openId === null },
    note: { run: () => openId !== null && focusReply('note'), disabled: openId === null },
    check: { run: () => openId !== null && selection.toggle(openId, false) },
    search: { run: () => searchRef.current?.focus() },
    palette: {
      run: () => {
        setSheet(false);
        setPalette((p) => !p);
      },
    },
    shortcuts: { run: () => setSheet(true) },
    escape: { run: () => (checked.size > 0 ? selection.clear() : setOpenId(null)) },
  };
  useShortcuts(INBOX_SHORTCUTS, actions, { blocked: palette || sheet });

  // The palette lists the table's commands, with these (filters and views) before the help sheet's.
  const filterCommands: Command[] = [
    ...SCOPES.map((scope) => ({
      id: `scope-${scope}`,
      label: t('inbox.palette.showScope', { scope: t(`inbox.scope.${scope}`) }),
      run: () => changeFilter({ scope }),
    })),
    ...STATUSES.map((status) => ({
      id: `status-${status}`,
      label: t('inbox.palette.showStatus', { status: t(`inbox.status.${status}`) }),
      run: () => changeFilter({ status }),
    })),
    ...views.views.map((v) => ({
      id: `view-${v.name}`,
      label: t('inbox.palette.openView', { name: v.name }),
      run: () => changeFilter(v.filter),
    })),
  ];

  const labels = [...new Set([...seenLabels, ...(filter.label ? [filter.label] : [])])].sort();
  const subscriberName = currentInfo?.subscriber.display_name ?? openItem?.subscriber_name ?? '';
  const accountName = currentInfo?.account.name ?? openItem?.account_name ?? '';
  const assignee = currentInfo?.conversation.assignee ?? openItem?.conversation.assignee ?? null;

  return (
    <div className="inbox" data-testid="inbox">
      <section className="ib-col ib-col-list" aria-label={t('inbox.list.label')}>
        <SearchBox inputRef={searchRef} query={search.query} onQuery={search.onQuery} />
        {!search.searching && (
          <ListFilters filter={filter} labels={labels} accounts={accounts} views={views} onChange={changeFilter} />
        )}
        {!search.searching && list.length > 0 && (
          <BulkBar
            count={list.length}
            checked={checked}
            allChecked={selection.allChecked}
            busy={busy}
            onToggleAll={selection.toggleAll}
            onAssign={(who) => assign([...checked], who === 'me' ? me : null)}
            onStatus={(status) => setStatus([...checked], status)}
          />
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
        <ListBody
          search={search}
          items={items}
          listError={listError}
          filtered={!sameFilter(filter, DEFAULT_FILTER)}
          defaultFilter={DEFAULT_FILTER}
          openId={openId}
          checked={checked}
          now={now}
          colleagues={colleagues}
          more={more}
          onOpen={(id) => open(id)}
          onOpenHit={openHit}
          onCheck={selection.toggle}
          onMore={readMore}
          onFilter={changeFilter}
        />
      </section>

      <ThreadPane
        openId={openId}
        info={currentInfo}
        subscriberName={subscriberName}
        accountName={accountName}
        assignee={assignee}
        me={me}
        busy={busy}
        version={version}
        jump={jump}
        mode={mode}
        canAnswer={canAnswer}
        colleagues={colleagues}
        replyRef={replyRef}
        onMode={setMode}
        onStatus={(status) => openId !== null && setStatus([openId], status)}
        onAssign={(who) => openId !== null && assign([openId], who)}
        onLabels={(add, remove) => openId !== null && act(() => editConversationLabels(openId, add, remove))}
        onClose={() => setOpenId(null)}
        onSent={reload}
        onError={showError}
      />

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

      {palette && <CommandPalette actions={actions} extra={filterCommands} onClose={() => setPalette(false)} />}
      {sheet && <ShortcutSheet onClose={() => setSheet(false)} />}
    </div>
  );
}
