import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../platform';
import { accountItem, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { AccountSettingsDialog } from './AccountSettingsDialog';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

beforeEach(() => resetPlatformMocks());

const account = accountItem({ platform: 'alipay' }).account;

describe('account rules dialog', () => {
  it('starts from the platform rules and saves an adjusted daily cap', async () => {
    const onSaved = vi.fn();
    render(<AccountSettingsDialog account={account} onClose={() => undefined} onSaved={onSaved} />);
    const cap = (await screen.findByTestId('settings-reply.daily_cap')) as HTMLInputElement;
    expect(cap.value).toBe('100');
    expect((screen.getByTestId('settings-reset') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.clear(cap);
    await userEvent.type(cap, '50');
    expect((screen.getByTestId('settings-reset') as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const [id, patch] = m.updateAccount.mock.calls[0] as [string, { settings: { reply: { daily_cap: number } } }];
    expect(id).toBe(account.id);
    expect(patch.settings.reply.daily_cap).toBe(50);
  });

  it('shows the core refusal under the field it names and keeps the dialog open', async () => {
    m.updateAccount.mockRejectedValue(
      new AppError('invalid', 'bad', [
        {
          path: 'settings.reply.message_window_hours',
          key: 'account.settings.out_of_range',
          params: [
            ['min', '1'],
            ['max', '168'],
          ],
        },
      ]),
    );
    const onClose = vi.fn();
    render(<AccountSettingsDialog account={account} onClose={onClose} onSaved={() => undefined} />);
    const hours = (await screen.findByTestId('settings-reply.message_window_hours')) as HTMLInputElement;
    await userEvent.clear(hours);
    await userEvent.type(hours, '9999');
    await userEvent.click(screen.getByTestId('settings-save'));
    const error = await screen.findByTestId('settings-error-reply.message_window_hours');
    expect(error.textContent).toBe('请输入 1 到 168 之间的数字。');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('refuses an empty number before asking the core', async () => {
    render(<AccountSettingsDialog account={account} onClose={() => undefined} onSaved={() => undefined} />);
    await userEvent.clear(await screen.findByTestId('settings-broadcast.max'));
    await userEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('settings-error-broadcast.max')).textContent).toBe('请输入数字。');
    expect(m.updateAccount).not.toHaveBeenCalled();
  });
});
