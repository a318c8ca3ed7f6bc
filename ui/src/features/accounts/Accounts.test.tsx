import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../platform';
import { accountItem, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { AccountsScreen } from './Accounts';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

beforeEach(() => resetPlatformMocks());

const coffee = accountItem({ id: 'acc-1', name: '街角咖啡', platform: 'alipay', category: '餐饮' }, true);
const books = accountItem({
  id: 'acc-2',
  name: 'Moon Books',
  platform: 'wechat',
  category: '图书',
  avatar_color: '#722ed1',
});
const oldShop = accountItem({ id: 'acc-3', name: '旧店', archived: true });

describe('accounts screen', () => {
  it('lists accounts with avatar, platform, category and the waiting badge', async () => {
    m.listAccounts.mockResolvedValue([coffee, books, oldShop]);
    render(<AccountsScreen />);

    const rows = await screen.findAllByTestId('account-row');
    expect(rows).toHaveLength(2); // the archived one is hidden
    expect(rows.map((r) => r.getAttribute('data-account-id'))).toEqual(['acc-1', 'acc-2']);

    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(within(first).getByTestId('account-name-text').textContent).toBe('街角咖啡');
    expect(within(first).getByTestId('account-platform').textContent).toBe('支付宝生活号');
    expect(within(first).getByText('餐饮')).toBeTruthy();
    expect(within(first).getByTestId('account-waiting').textContent).toBe('待同步');
    expect(within(first).getByTestId('account-avatar').textContent).toBe('街');

    expect(within(second).getByTestId('account-platform').textContent).toBe('微信公众号');
    expect(within(second).queryByTestId('account-waiting')).toBeNull();
    const avatar = within(second).getByTestId('account-avatar');
    expect(avatar.textContent).toBe('M');
    expect(avatar.style.backgroundColor).toBe('rgb(114, 46, 209)');
  });

  it('shows archived accounts with a badge and Restore when asked', async () => {
    m.listAccounts.mockResolvedValue([coffee, oldShop]);
    render(<AccountsScreen />);
    await screen.findAllByTestId('account-row');

    await userEvent.click(screen.getByTestId('show-archived'));
    const rows = screen.getAllByTestId('account-row');
    expect(rows).toHaveLength(2);
    const archived = rows.find((r) => r.getAttribute('data-account-id') === 'acc-3')!;
    expect(within(archived).getByTestId('account-archived').textContent).toBe('已归档');
    expect(within(archived).getByTestId('account-archive').textContent).toBe('恢复');

    await userEvent.click(within(archived).getByTestId('account-archive'));
    expect(m.setArchived).toHaveBeenCalledWith('acc-3', false);
  });

  it('opens the subscriber page of a synced account, and says why it cannot', async () => {
    m.listAccounts.mockResolvedValue([coffee, books]);
    render(<AccountsScreen />);
    const [waiting, synced] = (await screen.findAllByTestId('account-row')) as [HTMLElement, HTMLElement];
    const waitingButton = within(waiting).getByTestId('account-open-page') as HTMLButtonElement;
    expect(waitingButton.disabled).toBe(true); // not on the server yet
    await userEvent.click(within(synced).getByTestId('account-open-page'));
    expect(m.openSubscriberPage).toHaveBeenCalledWith('acc-2');

    m.openSubscriberPage.mockRejectedValue(new AppError('internal', 'no browser'));
    await userEvent.click(within(synced).getByTestId('account-open-page'));
    expect((await screen.findByTestId('account-action-error')).textContent).not.toBe('');
  });

  it('shows an empty state when there are no accounts', async () => {
    m.listAccounts.mockResolvedValue([]);
    render(<AccountsScreen />);
    expect(await screen.findByTestId('accounts-empty')).toBeTruthy();
    expect(screen.getByText('还没有账号')).toBeTruthy();
    expect(screen.queryByTestId('account-row')).toBeNull();
  });

  it('renames inline and sends only the name', async () => {
    m.listAccounts.mockResolvedValue([coffee]);
    render(<AccountsScreen />);
    await userEvent.click(await screen.findByTestId('account-rename'));
    const input = screen.getByTestId('account-rename-input');
    await userEvent.clear(input);
    await userEvent.type(input, '街角咖啡馆{Enter}');
    await waitFor(() =>
      expect(m.updateAccount).toHaveBeenCalledWith('acc-1', {
        name: '街角咖啡馆',
        category: null,
        description: null,
        avatar_color: null,
        settings: null,
      }),
    );
  });

  it('shows a translated reason when listing fails', async () => {
    m.listAccounts.mockRejectedValue(new AppError('storage', 'disk full'));
    render(<AccountsScreen />);
    expect((await screen.findByTestId('accounts-error')).textContent).toContain('无法保存到这台电脑');
  });
});
