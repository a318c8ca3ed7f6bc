import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FollowerImport } from '../../platform';
import { accountItem, localSession, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { SubscribersScreen } from './Subscribers';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const wechat = accountItem({ id: 'noodles', platform: 'wechat' });

function progress(overrides: Partial<FollowerImport> = {}): FollowerImport {
  return {
    status: 'running',
    total: 40_000,
    listed: 12_345,
    imported: 12_345,
    failed: 0,
    error: null,
    started_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
    finished_at: null,
    ...overrides,
  };
}

beforeEach(() => {
  resetPlatformMocks();
  m.listSubscribers.mockResolvedValue({ items: [], more: false });
  m.listAccounts.mockResolvedValue([wechat]);
});
afterEach(() => vi.useRealTimers());

const show = () => render(<SubscribersScreen onOpenConversation={vi.fn()} />);

describe('importing followers', () => {
  it('starts the import and shows its progress until it is done', async () => {
    m.importFollowers.mockResolvedValue(progress({ total: 0, listed: 0, imported: 0 }));
    show();
    const button = await screen.findByTestId('follower-import-start');
    expect(button.textContent).toBe('导入粉丝');
    m.followerImport.mockResolvedValue(progress());
    vi.useFakeTimers({ shouldAdvanceTime: true });
    await userEvent.click(button);
    expect(m.importFollowers).toHaveBeenCalledWith('noodles');
    expect((await screen.findByTestId('follower-import-running')).textContent).toContain('读取粉丝列表');
    expect((screen.getByTestId('follower-import-start') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    await waitFor(() =>
      expect(screen.getByTestId('follower-import-running').textContent).toBe('正在导入粉丝：12,345 / 40,000'),
    );

    m.followerImport.mockResolvedValue(
      progress({ status: 'done', listed: 40_000, imported: 39_998, failed: 2, finished_at: 1 }),
    );
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    const done = await screen.findByTestId('follower-import-done');
    expect(done.textContent).toContain('已导入 39,998 位粉丝。');
    expect(done.textContent).toContain('2 位未能导入');
    expect((screen.getByTestId('follower-import-start') as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows why an import stopped, in the staff's language (Chinese by default)", async () => {
    m.followerImport.mockResolvedValue(
      progress({ status: 'failed', listed: 0, total: 0, error: 'wechat.import.not_authorised' }),
    );
    show();
    const stopped = await screen.findByTestId('follower-import-failed');
    expect(stopped.textContent).toContain('没有获取粉丝列表的权限');
    expect(screen.getByTestId('follower-import-start').textContent).toBe('重新导入粉丝');
  });

  it('is not offered to agents', async () => {
    m.session.mockResolvedValue({ ...localSession, permissions: ['answer_subscribers', 'read'] });
    const { unmount } = show();
    await waitFor(() => expect(m.listAccounts).toHaveBeenCalled());
    await waitFor(() => expect(m.session).toHaveBeenCalled());
    expect(screen.queryByTestId('follower-import')).toBeNull();
    unmount();
  });

  it('is offered for an Alipay account too, whose followers the server lists from Alipay', async () => {
    m.listSubscribers.mockResolvedValue({ items: [], more: false });
    m.listAccounts.mockResolvedValue([accountItem({ id: 'shop', platform: 'alipay' })]);
    m.followerImport.mockResolvedValue(null);
    m.importFollowers.mockResolvedValue(progress({ status: 'running', listed: 0, total: 0, imported: 0 }));
    show();
    await userEvent.click(await screen.findByTestId('follower-import-start'));
    expect(m.importFollowers).toHaveBeenCalledWith('shop');
    expect(m.followerImport).toHaveBeenCalledWith('shop');
  });
});
