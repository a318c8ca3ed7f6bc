// Stand-ins for every function of src/platform/index.ts, for vi.mock:
//
//   vi.mock('../platform', async (importOriginal) => ({
//     ...(await importOriginal<typeof import('../platform')>()),
//     ...(await import('../test/platformMock')).platformMocks,
//   }));
import { act } from '@testing-library/react';
import { vi } from 'vitest';
import type {
  AccountListItem,
  ConversationListItem,
  Message,
  ReplyWindow,
  Session,
  SyncStatus,
  ThreadInfo,
  ThreadMessage,
} from '../platform';

export const localSession: Session = {
  mode: 'local',
  server_url: null,
  user: { id: 'u1', login: 'mei', display_name: '李梅', role: 'owner' },
};

export const onlineStatus: SyncStatus = { connection: 'online', pending: 0, rejected: 0, last_synced_at: null, last_error: null };

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

export const openWindow: ReplyWindow = { open: true, closes_at: NOW + (5 * 60 + 12) * 60_000, replies_left: 3, closed_reason: null };

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
    ...overrides,
  };
}

const syncListeners = new Set<(s: SyncStatus) => void>();
const accountListeners = new Set<() => void>();
const inboxListeners = new Set<() => void>();

export const platformMocks = {
  session: vi.fn(),
  startLocal: vi.fn(),
  signIn: vi.fn(),
  signOut: vi.fn(),
  listAccounts: vi.fn(),
  checkAccount: vi.fn(),
  createAccount: vi.fn(),
  updateAccount: vi.fn(),
  setArchived: vi.fn(),
  openSubscriberPage: vi.fn(),
  syncStatus: vi.fn(),
  syncNow: vi.fn(),
  rejectedChanges: vi.fn(),
  dismissRejected: vi.fn(),
  language: vi.fn(),
  setLanguage: vi.fn(),
  onSyncStatus: vi.fn(),
  onAccountsChanged: vi.fn(),
  listConversations: vi.fn(),
  conversationMessages: vi.fn(),
  threadInfo: vi.fn(),
  sendReply: vi.fn(),
  retryMessage: vi.fn(),
  setConversationStatus: vi.fn(),
  assignConversations: vi.fn(),
  setConversationLabels: vi.fn(),
  loadDraft: vi.fn(),
  saveDraft: vi.fn(),
  markRead: vi.fn(),
  searchMessages: vi.fn(),
  onInboxChanged: vi.fn(),
  listCannedReplies: vi.fn(),
  saveCannedReply: vi.fn(),
  deleteCannedReply: vi.fn(),
  updateSubscriber: vi.fn(),
  notify: vi.fn(),
  setWindowTitle: vi.fn(),
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
  m.openSubscriberPage.mockResolvedValue('http://127.0.0.1:9/s/acc');
  m.syncStatus.mockResolvedValue(onlineStatus);
  m.syncNow.mockResolvedValue(null);
  m.rejectedChanges.mockResolvedValue([]);
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
  m.listConversations.mockResolvedValue([]);
  m.conversationMessages.mockResolvedValue({ messages: [], older: null });
  m.threadInfo.mockImplementation(async (id: string) => threadInfoFor(id));
  m.sendReply.mockImplementation(async (conversationId: string, text: string, note: boolean, clientId: string) =>
    threadMessage(`sent-${clientId}`, {
      conversation_id: conversationId,
      direction: note ? 'note' : 'outbound',
      body: { type: 'text', text },
      client_msg_id: clientId,
    }, note ? null : 'queued'),
  );
  m.retryMessage.mockResolvedValue(null);
  m.setConversationStatus.mockResolvedValue(null);
  m.assignConversations.mockResolvedValue(null);
  m.setConversationLabels.mockResolvedValue(null);
  m.loadDraft.mockResolvedValue('');
  m.saveDraft.mockResolvedValue(null);
  m.markRead.mockResolvedValue(null);
  m.searchMessages.mockResolvedValue([]);
  m.listCannedReplies.mockResolvedValue([]);
  m.saveCannedReply.mockImplementation(async (draft: { id: string | null; shortcut: string; title: string; body: string }) => ({
    id: draft.id ?? `canned-${draft.shortcut}`,
    shortcut: draft.shortcut,
    title: draft.title,
    body: draft.body,
    updated_at: NOW,
  }));
  m.deleteCannedReply.mockResolvedValue(null);
  m.updateSubscriber.mockResolvedValue(null);
  m.notify.mockResolvedValue(undefined);
  m.setWindowTitle.mockResolvedValue(undefined);
  m.onInboxChanged.mockImplementation((cb: () => void) => {
    inboxListeners.add(cb);
    return () => inboxListeners.delete(cb);
  });
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
