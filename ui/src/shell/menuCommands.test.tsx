import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  emitDesktopSettings,
  emitMenuCommand,
  emitOpenConversation,
  localSession,
  platformMocks as m,
  resetPlatformMocks,
} from '../test/platformMock';
import { runHistoryCommand } from './menuCommands';
import { Shell } from './Shell';
import { SettingsScreen } from '../features/settings/Settings';

vi.mock('../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../platform')>()),
  ...(await import('../test/platformMock')).platformMocks,
}));

beforeEach(() => {
  resetPlatformMocks();
});

describe('the application menu', () => {
  it('Help → Keyboard shortcuts opens the shortcut sheet on any screen', async () => {
    render(<Shell session={localSession} user={localSession.user!} onSignedOut={() => undefined} />);
    expect(screen.queryByTestId('shortcut-sheet')).toBeNull();
    emitMenuCommand('shortcuts');
    expect(await screen.findByTestId('shortcut-sheet')).toBeTruthy();
  });

  it('Edit → Undo reaches whoever handles Ctrl+Z where the focus is, and a plain field undoes its own typing otherwise', () => {
    const handled = vi.fn((e: KeyboardEvent) => e.preventDefault());
    const area = document.createElement('div');
    area.tabIndex = 0;
    area.addEventListener('keydown', handled);
    document.body.append(area);
    area.focus();
    const exec = vi.fn(() => true);
    document.execCommand = exec;
    runHistoryCommand('redo');
    expect(handled).toHaveBeenCalledTimes(1);
    const event = handled.mock.calls[0]![0];
    expect([event.key, event.ctrlKey, event.shiftKey]).toEqual(['z', true, true]);
    expect(exec).not.toHaveBeenCalled();

    const field = document.createElement('input');
    document.body.append(field);
    field.focus();
    runHistoryCommand('undo');
    expect(exec).toHaveBeenCalledWith('undo');
    area.remove();
    field.remove();
  });
});

describe('settings: this computer', () => {
  it('shows and changes starting at login through the core', async () => {
    render(<SettingsScreen session={localSession} user={localSession.user!} onError={() => undefined} />);
    const box = (await screen.findByTestId('settings-start-at-login')) as HTMLInputElement;
    expect(box.checked).toBe(false);
    await userEvent.click(box);
    await waitFor(() =>
      expect(m.setDesktopSettings).toHaveBeenCalledWith({
        start_at_login: true,
        notifications: true,
        close_to_tray: true,
        has_tray: true,
      }),
    );
    await waitFor(() => expect((screen.getByTestId('settings-start-at-login') as HTMLInputElement).checked).toBe(true));
  });

  it('says why when the operating system refuses, and leaves the box as it was', async () => {
    const errors: string[] = [];
    m.setDesktopSettings.mockRejectedValue({
      code: 'storage',
      message: 'cannot change starting at login: denied',
      issues: [],
    });
    render(<SettingsScreen session={localSession} user={localSession.user!} onError={(e) => errors.push(e)} />);
    await userEvent.click(await screen.findByTestId('settings-start-at-login'));
    await waitFor(() => expect(errors.length).toBe(1));
    expect((screen.getByTestId('settings-start-at-login') as HTMLInputElement).checked).toBe(false);
  });
});

describe('the tray and notifications', () => {
  it('Settings follows notifications paused from the tray, and keeps closing-to-tray', async () => {
    render(<SettingsScreen session={localSession} user={localSession.user!} onError={() => undefined} />);
    const box = (await screen.findByTestId('settings-notifications')) as HTMLInputElement;
    expect(box.checked).toBe(true);
    emitDesktopSettings({ start_at_login: false, notifications: false, close_to_tray: true, has_tray: true });
    await waitFor(() => expect((screen.getByTestId('settings-notifications') as HTMLInputElement).checked).toBe(false));
    await userEvent.click(screen.getByTestId('settings-close-to-tray'));
    await waitFor(() =>
      expect(m.setDesktopSettings).toHaveBeenLastCalledWith({
        start_at_login: false,
        notifications: false,
        close_to_tray: false,
        has_tray: true,
      }),
    );
  });

  it('without a tray, closing quits and Settings says so', async () => {
    m.desktopSettings.mockResolvedValue({
      start_at_login: false,
      notifications: true,
      close_to_tray: true,
      has_tray: false,
    });
    render(<SettingsScreen session={localSession} user={localSession.user!} onError={() => undefined} />);
    const box = (await screen.findByTestId('settings-close-to-tray')) as HTMLInputElement;
    expect([box.checked, box.disabled]).toEqual([false, true]);
    expect(screen.getByTestId('settings-tray-hint').textContent).toContain('没有托盘');
  });

  it('a clicked notification opens its conversation in the inbox', async () => {
    render(<Shell session={localSession} user={localSession.user!} onSignedOut={() => undefined} />);
    emitOpenConversation('conv-42');
    await waitFor(() => expect(screen.getByTestId('nav-conversations').getAttribute('aria-current')).toBe('page'));
  });
});
