import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import {
  accountItem,
  emitAccountsChanged,
  emitSyncStatus,
  localSession,
  onlineStatus,
  platformMocks as m,
  resetPlatformMocks,
  subscriberItem,
} from '../test/platformMock';
import { fakeLayout } from '../test/layout';
import { Shell } from './Shell';

vi.mock('../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../platform')>()),
  ...(await import('../test/platformMock')).platformMocks,
}));

// The subscriber list is virtualised: give it room to draw rows.
fakeLayout();

beforeEach(() => resetPlatformMocks());

function renderShell(onSignedOut = vi.fn()) {
  render(<Shell session={localSession} user={localSession.user!} onSignedOut={onSignedOut} />);
  return onSignedOut;
}

describe('sync indicator', () => {
  it('shows the state and the pending count, follows events, and syncs on click', async () => {
    m.syncStatus.mockResolvedValue({ ...onlineStatus, connection: 'offline', pending: 3 });
    renderShell();

    const indicator = await screen.findByTestId('sync-status');
    expect(indicator.getAttribute('data-state')).toBe('offline');
    expect(indicator.textContent).toContain('离线');
    expect(screen.getByTestId('sync-pending').textContent).toBe('3 项待同步');

    emitSyncStatus({ ...onlineStatus, connection: 'syncing', pending: 1 });
    expect(screen.getByTestId('sync-status').getAttribute('data-state')).toBe('syncing');
    expect(screen.getByTestId('sync-pending').textContent).toBe('1 项待同步');

    emitSyncStatus({ ...onlineStatus, connection: 'online', pending: 0 });
    expect(screen.getByTestId('sync-status').getAttribute('data-state')).toBe('online');
    expect(screen.getByTestId('sync-status').textContent).toContain('在线');
    expect(screen.queryByTestId('sync-pending')).toBeNull();

    await userEvent.click(screen.getByTestId('sync-status'));
    expect(m.syncNow).toHaveBeenCalledTimes(1);
  });

  it('shows rejected changes with a translated reason and dismisses them', async () => {
    m.syncStatus.mockResolvedValue({ ...onlineStatus, rejected: 1 });
    m.rejectedChanges.mockResolvedValue([
      {
        id: 7,
        action: 'update_account',
        target: '街角咖啡',
        error: { code: 'conflict', message: 'version mismatch' },
        created_at: 1,
      },
    ]);
    renderShell();

    const banner = await screen.findByTestId('rejected-banner');
    expect(within(banner).getByText('修改“街角咖啡”')).toBeTruthy();
    expect(within(banner).getByText('同事同时修改了这项内容。')).toBeTruthy();

    m.syncStatus.mockResolvedValue(onlineStatus);
    await userEvent.click(within(banner).getByTestId('rejected-dismiss'));
    expect(m.dismissRejected).toHaveBeenCalledWith(7);
    await waitFor(() => expect(screen.queryByTestId('rejected-banner')).toBeNull());
  });
});

describe('shell', () => {
  it('switches language: visible text changes and the choice is saved', async () => {
    renderShell();
    const sw = await screen.findByTestId('language-switch');
    expect(sw.textContent).toBe('English');
    expect(screen.getByTestId('nav-accounts').textContent).toBe('账号');
    expect(screen.getByTestId('sign-out').textContent).toBe('退出登录');

    await userEvent.click(sw);

    await waitFor(() => expect(screen.getByTestId('nav-accounts').textContent).toBe('Accounts'));
    expect(screen.getByTestId('sign-out').textContent).toBe('Sign out');
    expect(screen.getByTestId('screen-title').textContent).toBe('Accounts');
    expect(screen.getByTestId('language-switch').textContent).toBe('中文');
    expect(m.setLanguage).toHaveBeenCalledWith('en');
    expect(i18n.language).toBe('en');

    await userEvent.click(screen.getByTestId('language-switch'));
    await waitFor(() => expect(screen.getByTestId('nav-accounts').textContent).toBe('账号'));
    expect(m.setLanguage).toHaveBeenLastCalledWith('zh-CN');
  });

  it('opens the broadcasts screen: with no account yet, it says where to make one', async () => {
    renderShell();
    await userEvent.click(screen.getByTestId('nav-broadcasts'));
    expect(screen.getByTestId('screen-title').textContent).toBe('群发');
    expect((await screen.findByTestId('broadcasts-no-accounts')).textContent).toContain('账号');
    expect(screen.getByTestId('nav-broadcasts').getAttribute('aria-current')).toBe('page');
  });

  it('opens the designer: with no account yet, it says where to make one', async () => {
    renderShell();
    await userEvent.click(screen.getByTestId('nav-designer'));
    expect(screen.getByTestId('screen-title').textContent).toBe('设计器');
    expect((await screen.findByTestId('designer-no-accounts')).textContent).toContain('账号');
    expect(screen.queryByTestId('placeholder-designer')).toBeNull();
    expect(screen.getByTestId('nav-designer').getAttribute('aria-current')).toBe('page');
  });

  it('opens the conversations screen: the inbox, not a placeholder', async () => {
    renderShell();
    await userEvent.click(screen.getByTestId('nav-conversations'));
    expect(screen.getByTestId('screen-title').textContent).toBe('会话');
    expect(await screen.findByTestId('inbox-empty')).toBeTruthy();
    expect(m.listConversations).toHaveBeenCalled();
    expect(m.attention).toHaveBeenCalled();
    expect(screen.getByTestId('thread-empty').textContent).toContain('请选择一个会话');
  });

  it('opens the subscribers screen, and a subscriber’s conversation in the inbox from there', async () => {
    m.listSubscribers.mockResolvedValue({ items: [subscriberItem('s1', { display_name: '张三' })], more: false });
    renderShell();
    await userEvent.click(screen.getByTestId('nav-subscribers'));
    expect(screen.getByTestId('screen-title').textContent).toBe('粉丝');
    expect(screen.queryByTestId('placeholder-subscribers')).toBeNull();
    await userEvent.click(await screen.findByTestId('subscriber-row'));
    await userEvent.click(screen.getByTestId('subscriber-open-conversation'));
    expect(screen.getByTestId('screen-title').textContent).toBe('会话');
    await waitFor(() => expect(m.threadInfo).toHaveBeenCalledWith('c-s1'));
  });

  it('shows the user, the mode in settings, and signs out', async () => {
    const onSignedOut = renderShell();
    expect(screen.getByTestId('user-name').textContent).toBe('李梅');
    await userEvent.click(screen.getByTestId('nav-settings'));
    expect(screen.getByTestId('settings-mode').textContent).toBe('在这台电脑上使用');
    await userEvent.click(screen.getByTestId('sign-out'));
    expect(m.signOut).toHaveBeenCalled();
    await waitFor(() => expect(onSignedOut).toHaveBeenCalled());
  });

  it('reloads the accounts when the core says they changed', async () => {
    renderShell();
    await screen.findByTestId('accounts-empty');
    m.listAccounts.mockResolvedValue([accountItem({ name: '新店' })]);
    emitAccountsChanged();
    expect((await screen.findByTestId('account-name-text')).textContent).toBe('新店');
  });
});
