// Stand-ins for every function of src/platform/index.ts, for vi.mock:
//
//   vi.mock('../platform', async (importOriginal) => ({
//     ...(await importOriginal<typeof import('../platform')>()),
//     ...(await import('../test/platformMock')).platformMocks,
//   }));
import { act } from '@testing-library/react';
import { vi } from 'vitest';
import type { AccountListItem, Session, SyncStatus } from '../platform';

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

const syncListeners = new Set<(s: SyncStatus) => void>();
const accountListeners = new Set<() => void>();

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
};

/** Puts every stand-in back to a quiet, signed-in, online default. */
export function resetPlatformMocks(): void {
  syncListeners.clear();
  accountListeners.clear();
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
