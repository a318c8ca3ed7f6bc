import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../platform';
import { accountItem, emitAccountsChanged, platformMocks as m, resetPlatformMocks } from '../test/platformMock';
import { useAccounts } from './useAccounts';

vi.mock('../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../platform')>()),
  ...(await import('../test/platformMock')).platformMocks,
}));

beforeEach(() => resetPlatformMocks());

const coffee = accountItem({ id: 'acc-1', name: '街角咖啡' });
const books = accountItem({ id: 'acc-2', name: 'Moon Books' });
const old = accountItem({ id: 'acc-3', name: '旧店', archived: true });

describe('useAccounts', () => {
  it('reads the list, and reads it again when the core says the accounts changed', async () => {
    m.listAccounts.mockResolvedValueOnce([coffee, old]);
    const { result } = renderHook(() => useAccounts());
    expect(result.current.all).toBeNull();
    await waitFor(() => expect(result.current.all).toEqual([coffee, old]));
    expect(result.current.active).toEqual([coffee]);

    m.listAccounts.mockResolvedValueOnce([coffee, books, old]);
    act(() => emitAccountsChanged());
    await waitFor(() => expect(result.current.active).toEqual([coffee, books]));
    expect(m.listAccounts).toHaveBeenCalledTimes(2);
  });

  it('keeps the last list when a read fails, and stops listening when unmounted', async () => {
    m.listAccounts.mockResolvedValueOnce([coffee]);
    const { result, unmount } = renderHook(() => useAccounts());
    await waitFor(() => expect(result.current.active).toEqual([coffee]));

    m.listAccounts.mockRejectedValueOnce(new AppError('offline', 'offline'));
    act(() => emitAccountsChanged());
    await waitFor(() => expect(result.current.error).toBeInstanceOf(AppError));
    expect(result.current.active).toEqual([coffee]);

    unmount();
    emitAccountsChanged();
    expect(m.listAccounts).toHaveBeenCalledTimes(2);
  });
});
