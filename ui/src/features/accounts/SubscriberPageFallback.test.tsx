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

const url = 'http://127.0.0.1:8686/s/acc-2';
// What the desktop app's `open_subscriber_page` sends when no browser opens.
const noBrowser = new AppError(
  'internal',
  `cannot open a browser for ${url}: xdg-open failed: unix_wait_status(1024)`,
  [{ path: 'url', key: 'account.subscriber_page.no_browser', params: [['url', url]] }],
);

describe('subscriber page when no browser opens', () => {
  it('says so in Chinese, shows the address to select and copies it', async () => {
    const writeText = vi.fn((_text: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    m.listAccounts.mockResolvedValue([accountItem({ id: 'acc-2', name: 'Moon Books', platform: 'wechat' })]);
    m.openSubscriberPage.mockRejectedValue(noBrowser);
    render(<AccountsScreen />);

    const row = await screen.findByTestId('account-row');
    await userEvent.click(within(row).getByTestId('account-open-page'));

    const dialog = await screen.findByTestId('subscriber-page-fallback');
    expect(within(dialog).getByRole('heading').textContent).toBe('请自行打开关注者页面');
    expect(dialog.textContent).not.toMatch(/xdg-open|unix_wait_status|cannot open/);
    expect(document.body.textContent).not.toMatch(/xdg-open|unix_wait_status/);
    const address = within(dialog).getByLabelText('关注者页面地址') as HTMLInputElement;
    expect(address.value).toBe(url);
    expect(address.readOnly).toBe(true);

    await userEvent.click(within(dialog).getByRole('button', { name: '复制地址' }));
    expect(writeText).toHaveBeenCalledWith(url);
    await waitFor(() => expect(within(dialog).getByTestId('subscriber-page-copy-state').textContent).toBe('已复制'));

    await userEvent.click(within(dialog).getByRole('button', { name: '关闭' }));
    expect(screen.queryByTestId('subscriber-page-fallback')).toBeNull();
  });

  it('when copying is refused, asks to copy the selected address by hand', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new Error('denied')) },
      configurable: true,
    });
    m.listAccounts.mockResolvedValue([accountItem({ id: 'acc-2', name: 'Moon Books', platform: 'wechat' })]);
    m.openSubscriberPage.mockRejectedValue(noBrowser);
    render(<AccountsScreen />);
    await userEvent.click(within(await screen.findByTestId('account-row')).getByTestId('account-open-page'));
    const dialog = await screen.findByTestId('subscriber-page-fallback');
    await userEvent.click(within(dialog).getByTestId('subscriber-page-copy'));
    await waitFor(() =>
      expect(within(dialog).getByTestId('subscriber-page-copy-state').textContent).toBe(
        '无法复制：请选中地址后自行复制。',
      ),
    );
  });
});
