import { beforeEach, describe, expect, it, vi } from 'vitest';

const { commands, listeners, unlisten } = vi.hoisted(() => ({
  commands: {
    listAccounts: vi.fn(),
    signIn: vi.fn(),
    syncNow: vi.fn(),
  },
  listeners: new Map<string, (event: { payload: unknown }) => void>(),
  unlisten: vi.fn(),
}));

vi.mock('./bindings', () => ({
  commands,
  events: {
    syncStatusEvent: {
      listen: async (cb: (event: { payload: unknown }) => void) => {
        listeners.set('sync-status-event', cb);
        return unlisten;
      },
    },
    accountsChangedEvent: {
      listen: async (cb: (event: { payload: unknown }) => void) => {
        listeners.set('accounts-changed-event', cb);
        return unlisten;
      },
    },
  },
}));

import { AppError, listAccounts, onSyncStatus, signIn, syncNow } from './index';

beforeEach(() => {
  listeners.clear();
  unlisten.mockReset();
});

describe('platform', () => {
  it('returns the data of an ok result', async () => {
    commands.listAccounts.mockResolvedValue({ status: 'ok', data: [] });
    await expect(listAccounts()).resolves.toEqual([]);
  });

  it('throws an AppError carrying code and issues of a WicketError', async () => {
    const issues = [{ path: 'name', key: 'account.name.required', params: [] }];
    commands.signIn.mockResolvedValue({ status: 'error', error: { code: 'unauthorized', message: 'no', issues } });
    const error = await signIn('https://x', 'a', 'b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('unauthorized');
    expect((error as AppError).issues).toEqual(issues);
    expect((error as AppError).message).toBe('no');
  });

  it('turns a framework failure into code internal', async () => {
    commands.syncNow.mockResolvedValue({ status: 'error', error: 'command sync_now not allowed' });
    await expect(syncNow()).rejects.toMatchObject({
      code: 'internal',
      message: 'command sync_now not allowed',
      issues: [],
    });
    commands.syncNow.mockRejectedValue(new TypeError('window.__TAURI_INTERNALS__ is undefined'));
    await expect(syncNow()).rejects.toMatchObject({ code: 'internal' });
  });

  it('delivers event payloads and unsubscribes', async () => {
    const cb = vi.fn();
    const off = onSyncStatus(cb);
    await vi.waitFor(() => expect(listeners.has('sync-status-event')).toBe(true));
    const status = { connection: 'online', pending: 2, rejected: 0, last_synced_at: null, last_error: null };
    listeners.get('sync-status-event')!({ payload: status });
    expect(cb).toHaveBeenCalledWith(status);
    await Promise.resolve();
    off();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});
