// Stand-ins for every function of src/platform/index.ts, for vi.mock (one for
// each generated command, and for what index.ts writes by hand):
//
//   vi.mock('../platform', async (importOriginal) => ({
//     ...(await importOriginal<typeof import('../platform')>()),
//     ...(await import('../test/platformMock')).platformMocks,
//   }));
import { act } from '@testing-library/react';
import { vi, type Mock } from 'vitest';
import * as api from '../platform/api';
import type {
  DesktopSettings,
  MenuCommandEvent,
  AccountListItem,
  CatalogEntry,
  DesignerDraft,
  ConversationListItem,
  ConversationPage,
  Message,
  NewStaff,
  PresenceSnapshot,
  BroadcastProgress,
  ReplyWindow,
  Session,
  StaffChange,
  SubscriberListItem,
  SyncStatus,
  ThreadInfo,
  ThreadMessage,
} from '../platform';
import type { Layout } from '../shared/model';

export const localSession: Session = {
  mode: 'local',
  server_url: null,
  user: { id: 'u1', login: 'mei', display_name: '李梅', role: 'owner' },
  permissions: ['manage_accounts', 'design_layouts', 'answer_subscribers', 'manage_staff', 'read'],
};

/** A page of the conversation list, as the core answers `listConversations`. */
export function listPage(items: ConversationListItem[], more = false): ConversationPage {
  return { items, more };
}

export const onlineStatus: SyncStatus = {
  connection: 'online',
  pending: 0,
  rejected: 0,
  last_synced_at: null,
  last_error: null,
};

export function accountItem(overrides: Partial<AccountListItem['account']> = {}, waiting = false): AccountListItem {
  return {
    waiting,
    account: {
      id: 'acc-1',
      name: '街角咖啡',
      platform: 'alipay',
      category: '餐饮',
      description: '',
      avatar_color: '#1677ff',
      archived: false,
      created_at: 1_700_000_000_000,
      updated_at: 1_700_000_000_000,
      ...overrides,
    },
  };
}

export const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/** A row of the conversation list. */
export function conversationItem(
  id: string,
  overrides: Partial<ConversationListItem['conversation']> = {},
  extra: Partial<Omit<ConversationListItem, 'conversation'>> = {},
): ConversationListItem {
  return {
    subscriber_name: `Subscriber ${id}`,
    account_name: '街角咖啡',
    platform: 'alipay',
    unread: 0,
    waiting: false,
    ...extra,
    conversation: {
      id,
      account_id: 'acc-1',
      subscriber_id: `sub-${id}`,
      status: 'open',
      assignee: null,
      labels: [],
      last_activity_at: NOW - 60_000,
      preview: `Hello from ${id}`,
      created_at: NOW - 3_600_000,
      updated_at: NOW - 60_000,
      ...overrides,
    },
  };
}

/** A row of the subscriber list. */
export function subscriberItem(
  id: string,
  overrides: Partial<SubscriberListItem['subscriber']> = {},
  extra: Partial<Omit<SubscriberListItem, 'subscriber'>> = {},
): SubscriberListItem {
  return {
    account_name: '街角咖啡',
    platform: 'alipay',
    conversation_id: `c-${id}`,
    last_activity_at: NOW - 60_000,
    ...extra,
    subscriber: {
      id,
      account_id: 'acc-1',
      platform: 'sandbox',
      platform_user_id: `user-${id}`,
      display_name: `Subscriber ${id}`,
      following: true,
      followed_at: NOW - 86_400_000,
      tags: [],
      note: '',
      created_at: NOW - 86_400_000,
      updated_at: NOW - 60_000,
      ...overrides,
    },
  };
}

/** A message in a thread; inbound text unless told otherwise. */
export function threadMessage(
  id: string,
  overrides: Partial<Message> = {},
  state: ThreadMessage['state'] = null,
  failure: string | null = null,
): ThreadMessage {
  return {
    state,
    failure,
    message: {
      id,
      conversation_id: 'c1',
      direction: 'inbound',
      author: null,
      body: { type: 'text', text: `message ${id}` },
      client_msg_id: null,
      platform_msg_id: null,
      delivery: null,
      created_at: NOW - 120_000,
      ...overrides,
    },
  };
}

export const openWindow: ReplyWindow = {
  open: true,
  closes_at: NOW + (5 * 60 + 12) * 60_000,
  replies_left: 3,
  closed_reason: null,
};

/** What the thread header and the sidebar show. */
export function threadInfoFor(id: string, overrides: Partial<ThreadInfo> = {}): ThreadInfo {
  const item = conversationItem(id);
  return {
    conversation: item.conversation,
    subscriber: {
      id: item.conversation.subscriber_id,
      account_id: 'acc-1',
      platform: 'sandbox',
      platform_user_id: `p-${id}`,
      display_name: item.subscriber_name,
      following: true,
      followed_at: NOW - 86_400_000,
      tags: ['VIP'],
      note: 'Prefers oat milk',
      created_at: NOW - 86_400_000,
      updated_at: NOW - 86_400_000,
    },
    account: accountItem().account,
    window: openWindow,
    earlier: [],
    note_conflicts: [],
    ...overrides,
  };
}

const syncListeners = new Set<(s: SyncStatus) => void>();
const accountListeners = new Set<() => void>();
const inboxListeners = new Set<() => void>();
const layoutListeners = new Set<(accountId: string) => void>();
const menuListeners = new Set<(command: MenuCommandEvent) => void>();
const openListeners = new Set<(conversationId: string) => void>();
const desktopListeners = new Set<(desktop: DesktopSettings) => void>();
const presenceListeners = new Set<(snapshot: PresenceSnapshot) => void>();
const broadcastListeners = new Set<(progress: BroadcastProgress) => void>();
const draftsListeners = new Set<(accountIds: string[]) => void>();
const segmentsListeners = new Set<(accountIds: string[]) => void>();

export const EMPTY_LAYOUT: Layout = { schema_version: 1, modules: [], pages: [], menu: { items: [] } };

/** A designer draft of a layout: saved, no conflict, nothing published, no issues. */
export function designerDraft(layout: Layout, overrides: Partial<DesignerDraft> = {}): DesignerDraft {
  return {
    account_id: 'acc-1',
    platform: 'alipay',
    layout,
    base_revision: 1,
    loaded_revision: 1,
    loaded_by: null,
    sync: 'saved',
    conflict: null,
    publish: null,
    issues: [],
    updated_at: NOW,
    ...overrides,
  };
}

/** A few palette entries, as the core's catalog gives them. */
export function sampleCatalog(): CatalogEntry[] {
  return [
    {
      kind: 'notice',
      sample: { kind: 'notice', text: '系统维护通知', action: null },
      container: false,
      alipay_only: false,
    },
    { kind: 'spacer', sample: { kind: 'spacer', height: 16 }, container: false, alipay_only: false },
    { kind: 'group', sample: { kind: 'group', title: '分组', children: [] }, container: true, alipay_only: false },
    {
      kind: 'extension_area',
      sample: { kind: 'extension_area', name: '会员权益', url: 'https://example.com/h5', height: 300 },
      container: false,
      alipay_only: true,
    },
  ];
}

/** A stand-in for each generated command (api.ts), so a new command has one without a line here. */
const commandMocks = Object.fromEntries(Object.keys(api).map((name) => [name, vi.fn()])) as {
  [K in keyof typeof api]: Mock;
};

export const platformMocks = {
  ...commandMocks,
  // What src/platform/index.ts writes by hand.
  signIn: vi.fn(),
  mediaSrc: vi.fn(),
  notify: vi.fn(),
  setUnread: vi.fn(),
  setWindowTitle: vi.fn(),
  onSyncStatus: vi.fn(),
  onAccountsChanged: vi.fn(),
  onInboxChanged: vi.fn(),
  onPresence: vi.fn(),
  onBroadcastProgress: vi.fn(),
  onBroadcastDraftsChanged: vi.fn(),
  onSegmentsChanged: vi.fn(),
  onLayoutChanged: vi.fn(),
  onMenuCommand: vi.fn(),
  onOpenConversation: vi.fn(),
  onDesktopSettings: vi.fn(),
};

/** Puts every stand-in back to a quiet, signed-in, online default. */
export function resetPlatformMocks(): void {
  syncListeners.clear();
  accountListeners.clear();
  inboxListeners.clear();
  const m = platformMocks;
  for (const fn of Object.values(m)) fn.mockReset();
  m.session.mockResolvedValue(localSession);
  m.startLocal.mockResolvedValue(localSession);
  m.signIn.mockResolvedValue(localSession);
  m.signOut.mockResolvedValue(null);
  m.listAccounts.mockResolvedValue([]);
  m.checkAccount.mockResolvedValue([]);
  m.createAccount.mockImplementation(async () => accountItem());
  m.updateAccount.mockResolvedValue(null);
  m.setArchived.mockResolvedValue(null);
  m.defaultAccountSettings.mockResolvedValue({
    reply: {
      message_window_hours: 48,
      message_quota: null,
      event_window_seconds: 0,
      event_quota: null,
      events_open_message_window: true,
      daily_cap: 100,
    },
    broadcast: { max: 1, period: 'week' },
  });
  m.openSubscriberPage.mockResolvedValue('http://127.0.0.1:9/s/acc');
  m.syncStatus.mockResolvedValue(onlineStatus);
  m.syncNow.mockResolvedValue(null);
  m.rejectedChanges.mockResolvedValue([]);
  m.segmentCounts.mockResolvedValue([]);
  m.listSegments.mockResolvedValue([]);
  m.checkSegment.mockResolvedValue([]);
  m.saveSegment.mockResolvedValue(null);
  m.deleteSegment.mockResolvedValue(null);
  m.listBroadcastDrafts.mockResolvedValue([]);
  m.saveBroadcastDraft.mockResolvedValue(null);
  m.deleteBroadcastDraft.mockResolvedValue(null);
  m.broadcasts.mockResolvedValue([]);
  m.dismissRejected.mockResolvedValue(null);
  m.language.mockResolvedValue('zh-CN');
  m.setLanguage.mockResolvedValue(null);
  m.onSyncStatus.mockImplementation((cb: (s: SyncStatus) => void) => {
    syncListeners.add(cb);
    return () => syncListeners.delete(cb);
  });
  m.onAccountsChanged.mockImplementation((cb: () => void) => {
    accountListeners.add(cb);
    return () => accountListeners.delete(cb);
  });
  m.listConversations.mockResolvedValue(listPage([]));
  m.attention.mockResolvedValue([]);
  m.conversationMessages.mockResolvedValue({ messages: [], older: null });
  m.threadInfo.mockImplementation(async (id: string) => threadInfoFor(id));
  m.sendReply.mockImplementation(async (conversationId: string, text: string, note: boolean, clientId: string) =>
    threadMessage(
      `sent-${clientId}`,
      {
        conversation_id: conversationId,
        direction: note ? 'note' : 'outbound',
        body: { type: 'text', text },
        client_msg_id: clientId,
      },
      note ? null : 'queued',
    ),
  );
  m.retryMessage.mockResolvedValue(null);
  m.sendImage.mockImplementation(async (conversationId: string, _path: string, clientId: string) =>
    threadMessage(
      `sent-${clientId}`,
      {
        conversation_id: conversationId,
        direction: 'outbound',
        client_msg_id: clientId,
        body: { type: 'image', url: `/s/media/${'0'.repeat(64)}` },
      },
      'queued',
    ),
  );
  m.mediaSrc.mockImplementation((id: string) => `wicket-media://localhost/${id}`);
  m.setConversationStatus.mockResolvedValue(null);
  m.assignConversations.mockResolvedValue(null);
  m.editConversationLabels.mockResolvedValue(null);
  m.loadDraft.mockResolvedValue('');
  m.saveDraft.mockResolvedValue(null);
  m.markRead.mockResolvedValue(null);
  m.searchMessages.mockResolvedValue([]);
  m.listCannedReplies.mockResolvedValue([]);
  m.saveCannedReply.mockImplementation(
    async (draft: { id: string | null; shortcut: string; title: string; body: string }) => ({
      id: draft.id ?? `canned-${draft.shortcut}`,
      shortcut: draft.shortcut,
      title: draft.title,
      body: draft.body,
      updated_at: NOW,
    }),
  );
  m.deleteCannedReply.mockResolvedValue(null);
  m.editSubscriberTags.mockResolvedValue(null);
  m.setSubscriberNote.mockResolvedValue(null);
  m.keepMyNote.mockResolvedValue(null);
  m.listSubscribers.mockResolvedValue({ items: [], more: false });
  m.notify.mockResolvedValue(undefined);
  m.setWindowTitle.mockResolvedValue(undefined);
  m.onInboxChanged.mockImplementation((cb: () => void) => {
    inboxListeners.add(cb);
    return () => inboxListeners.delete(cb);
  });
  presenceListeners.clear();
  m.setPresence.mockResolvedValue(null);
  m.presence.mockResolvedValue({ live: true, entries: [] } satisfies PresenceSnapshot);
  m.onPresence.mockImplementation((cb: (snapshot: PresenceSnapshot) => void) => {
    presenceListeners.add(cb);
    return () => presenceListeners.delete(cb);
  });
  draftsListeners.clear();
  m.onBroadcastDraftsChanged.mockImplementation((cb: (accountIds: string[]) => void) => {
    draftsListeners.add(cb);
    return () => draftsListeners.delete(cb);
  });
  segmentsListeners.clear();
  m.onSegmentsChanged.mockImplementation((cb: (accountIds: string[]) => void) => {
    segmentsListeners.add(cb);
    return () => segmentsListeners.delete(cb);
  });
  broadcastListeners.clear();
  m.onBroadcastProgress.mockImplementation((cb: (progress: BroadcastProgress) => void) => {
    broadcastListeners.add(cb);
    return () => broadcastListeners.delete(cb);
  });
  layoutListeners.clear();
  m.moduleCatalog.mockResolvedValue(sampleCatalog());
  m.layoutTemplates.mockResolvedValue([]);
  m.templateFields.mockResolvedValue([
    { name: 'subscriber.name', zh_cn: '用户姓名', en: 'Subscriber name' },
    { name: 'statement.amount', zh_cn: '本期应还', en: 'Statement amount' },
  ]);
  m.openLayout.mockImplementation(async (accountId: string) => designerDraft(EMPTY_LAYOUT, { account_id: accountId }));
  m.saveLayout.mockImplementation(async (accountId: string, layout: Layout) =>
    designerDraft(layout, { account_id: accountId, sync: 'waiting' }),
  );
  m.resolveLayoutConflict.mockImplementation(async (accountId: string, layout: Layout) =>
    designerDraft(layout, { account_id: accountId }),
  );
  m.publishLayout.mockImplementation(async (accountId: string) =>
    designerDraft(EMPTY_LAYOUT, { account_id: accountId, publish: { state: 'queued' } }),
  );
  m.layoutVersions.mockResolvedValue([]);
  m.layoutVersion.mockResolvedValue(EMPTY_LAYOUT);
  m.rollbackLayout.mockResolvedValue(null);
  m.importLayoutFile.mockResolvedValue(EMPTY_LAYOUT);
  m.exportLayoutFile.mockResolvedValue(null);
  m.exportMenu.mockResolvedValue('{"button":[]}');
  m.exportMenuFile.mockResolvedValue(null);
  m.team.mockResolvedValue([localSession.user!]);
  m.addStaff.mockImplementation(async (staff: NewStaff) => ({
    id: `u-${staff.login}`,
    login: staff.login,
    display_name: staff.display_name || staff.login,
    role: staff.role,
  }));
  m.changeStaff.mockImplementation(async (id: string, change: StaffChange) => ({
    id,
    login: id,
    display_name: id,
    role: change.role ?? 'agent',
  }));
  m.signOutStaff.mockResolvedValue(null);
  m.wechatConnection.mockImplementation(async (accountId: string) => ({
    connection: null,
    callback_url: `http://127.0.0.1:7878/wechat/${accountId}`,
  }));
  m.connectWechat.mockRejectedValue({ code: 'internal', message: 'not set up in this test', issues: [] });
  m.testWechat.mockResolvedValue({
    ok: true,
    errcode: null,
    message: 'WeChat gave an access token',
    token_valid_until: 1_700_000_000_000,
  });
  m.followerImport.mockResolvedValue(null);
  m.importFollowers.mockRejectedValue({ code: 'internal', message: 'not set up in this test', issues: [] });
  m.importWechatMenu.mockResolvedValue({ menu: { items: [] }, notices: [] });
  m.wechatMenu.mockResolvedValue(null);
  m.retryWechatMenu.mockRejectedValue({ code: 'internal', message: 'not set up in this test', issues: [] });
  m.liveWechatMenu.mockResolvedValue({ menu: { items: [] }, notices: [] });
  m.alipayConnection.mockImplementation(async (accountId: string) => ({
    connection: null,
    gateway_url: `http://127.0.0.1:7878/alipay/${accountId}`,
  }));
  m.connectAlipay.mockRejectedValue({ code: 'internal', message: 'not set up in this test', issues: [] });
  m.disconnectAlipay.mockImplementation(async (accountId: string) => ({
    connection: null,
    gateway_url: `http://127.0.0.1:7878/alipay/${accountId}`,
  }));
  m.testAlipay.mockResolvedValue({
    ok: true,
    method: 'alipay.open.public.info.query',
    code: '10000',
    sub_code: null,
    message: 'Alipay answered Success (signature verified)',
  });
  m.alipayHome.mockRejectedValue({ code: 'not_found', message: 'not connected', issues: [] });
  m.retryAlipayPart.mockRejectedValue({ code: 'internal', message: 'not set up in this test', issues: [] });
  m.liveAlipayHome.mockRejectedValue({ code: 'internal', message: 'not set up in this test', issues: [] });
  m.loadDesignerHistory.mockResolvedValue(null);
  m.saveDesignerHistory.mockResolvedValue(null);
  m.onLayoutChanged.mockImplementation((cb: (accountId: string) => void) => {
    layoutListeners.add(cb);
    return () => layoutListeners.delete(cb);
  });
  m.pickOpenPath.mockResolvedValue(null);
  m.pickSavePath.mockResolvedValue(null);
  m.onMenuCommand.mockImplementation((cb: (command: MenuCommandEvent) => void) => {
    menuListeners.add(cb);
    return () => menuListeners.delete(cb);
  });
  m.onOpenConversation.mockImplementation((cb: (conversationId: string) => void) => {
    openListeners.add(cb);
    return () => openListeners.delete(cb);
  });
  m.onDesktopSettings.mockImplementation((cb: (desktop: DesktopSettings) => void) => {
    desktopListeners.add(cb);
    return () => desktopListeners.delete(cb);
  });
  m.setUnread.mockResolvedValue(undefined);
  m.desktopSettings.mockResolvedValue({
    start_at_login: false,
    notifications: true,
    close_to_tray: true,
    has_tray: true,
  });
  m.setDesktopSettings.mockImplementation(async (d: DesktopSettings) => d);
}

/** As if the core said the inbox changed. */
export function emitInboxChanged(): void {
  act(() => {
    for (const cb of inboxListeners) cb();
  });
}

/** As if the core announced a new sync status. */
export function emitSyncStatus(status: SyncStatus): void {
  act(() => {
    for (const cb of syncListeners) cb(status);
  });
}

/** As if the core said the account list changed. */
export function emitAccountsChanged(): void {
  act(() => {
    for (const cb of accountListeners) cb();
  });
}

/** As if the core said an account's layout changed (saved on the server, conflict, published). */
/** As if staff clicked a new-message notification. */
export function emitOpenConversation(conversationId: string): void {
  act(() => {
    for (const cb of openListeners) cb(conversationId);
  });
}

/** As if the tray changed the desktop settings. */
export function emitDesktopSettings(desktop: DesktopSettings): void {
  act(() => {
    for (const cb of desktopListeners) cb(desktop);
  });
}

/** As if staff chose an item of the application menu that the window carries out. */
export function emitMenuCommand(command: MenuCommandEvent): void {
  act(() => {
    for (const cb of menuListeners) cb(command);
  });
}

export function emitLayoutChanged(accountId: string): void {
  act(() => {
    for (const cb of layoutListeners) cb(accountId);
  });
}

/** As if the server's live feed told how far a running broadcast got. */
export function emitBroadcastProgress(progress: BroadcastProgress): void {
  act(() => {
    for (const cb of broadcastListeners) cb(progress);
  });
}

/** As if the core said these accounts' broadcast drafts changed. */
export function emitBroadcastDraftsChanged(accountIds: string[]): void {
  act(() => {
    for (const cb of draftsListeners) cb(accountIds);
  });
}

/** As if the core said these accounts' saved segments changed. */
export function emitSegmentsChanged(accountIds: string[]): void {
  act(() => {
    for (const cb of segmentsListeners) cb(accountIds);
  });
}

/** As if the core announced who views or types where (or that it became unknown). */
export function emitPresence(snapshot: PresenceSnapshot): void {
  act(() => {
    for (const cb of presenceListeners) cb(snapshot);
  });
}
