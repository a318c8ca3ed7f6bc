import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import { UpdateFailure } from '../../platform';
import { UpdatesSettings } from './Updates';

const updates = vi.hoisted(() => ({
  updateSetup: vi.fn(),
  checkForUpdate: vi.fn(),
  installUpdate: vi.fn(),
}));

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...updates,
}));

const offer = { version: '0.2.0', notes: '会员卡菜单修复', date: '2025-03-01T08:00:00Z' };

beforeEach(() => {
  vi.resetAllMocks();
  updates.updateSetup.mockResolvedValue({ current_version: '0.1.0', configured: true });
});

describe('Settings › Updates', () => {
  it('shows the installed version and says when no update server is configured', async () => {
    updates.updateSetup.mockResolvedValue({ current_version: '0.1.0', configured: false });
    render(<UpdatesSettings />);
    expect((await screen.findByTestId('updates-current')).textContent).toBe('已安装版本：0.1.0');
    expect(screen.getByTestId('updates-not-set-up').textContent).toContain('此电脑尚未设置更新');
    expect(screen.queryByTestId('updates-check')).toBeNull();
    expect(updates.checkForUpdate).not.toHaveBeenCalled();
  });

  it('says up to date when nothing newer is offered', async () => {
    updates.checkForUpdate.mockResolvedValue(null);
    render(<UpdatesSettings />);
    await userEvent.click(await screen.findByTestId('updates-check'));
    expect((await screen.findByTestId('updates-up-to-date')).textContent).toBe('Wicket 已是最新版本。');
    expect(screen.queryByTestId('updates-offer')).toBeNull();
  });

  it('offers a newer version with its notes and date; Later dismisses it without installing', async () => {
    updates.checkForUpdate.mockResolvedValue(offer);
    render(<UpdatesSettings />);
    await userEvent.click(await screen.findByTestId('updates-check'));
    const shown = await screen.findByTestId('updates-offer');
    expect(shown.textContent).toContain('有新版本 0.2.0 可用。');
    expect(screen.getByTestId('updates-notes').textContent).toBe('会员卡菜单修复');
    expect(screen.getByTestId('updates-date').textContent).toBe('发布于 2025年3月1日');
    expect(screen.getByTestId('updates-install').textContent).toBe('安装并重启');

    await userEvent.click(screen.getByTestId('updates-later'));
    expect(screen.queryByTestId('updates-offer')).toBeNull();
    expect(updates.installUpdate).not.toHaveBeenCalled();
    expect(screen.getByTestId('updates-check')).toBeTruthy();
  });

  it('shows a refused signature in the staff’s language and keeps the offer', async () => {
    await i18n.changeLanguage('en');
    updates.checkForUpdate.mockResolvedValue(offer);
    updates.installUpdate.mockRejectedValue(
      new UpdateFailure('bad_signature', 'Verification failed: signature mismatch'),
    );
    render(<UpdatesSettings />);
    await userEvent.click(await screen.findByTestId('updates-check'));
    await userEvent.click(await screen.findByTestId('updates-install'));
    const error = await screen.findByTestId('updates-error');
    expect(error.textContent).toBe(
      "The update's signature does not match Wicket's signing key, so it was not installed. Nothing was changed.",
    );
    expect(error.getAttribute('title')).toBe('Verification failed: signature mismatch');
    expect(updates.installUpdate).toHaveBeenCalledTimes(1);
    await waitFor(() => expect((screen.getByTestId('updates-install') as HTMLButtonElement).disabled).toBe(false));
    expect(screen.getByTestId('updates-offer').textContent).toContain('Version 0.2.0 is available.');
  });

  it('shows a network failure of the check as such, with no offer', async () => {
    updates.checkForUpdate.mockRejectedValue(UpdateFailure.from({ problem: 'network', detail: 'connection refused' }));
    render(<UpdatesSettings />);
    await userEvent.click(await screen.findByTestId('updates-check'));
    expect((await screen.findByTestId('updates-error')).textContent).toBe('无法连接更新服务器。未做任何更改。');
    expect(screen.queryByTestId('updates-offer')).toBeNull();
    expect((screen.getByTestId('updates-check') as HTMLButtonElement).disabled).toBe(false);
  });
});
