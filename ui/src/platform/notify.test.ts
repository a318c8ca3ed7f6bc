import { beforeEach, describe, expect, it, vi } from 'vitest';

const { notification, setTitle, commands } = vi.hoisted(() => ({
  notification: { isPermissionGranted: vi.fn(), requestPermission: vi.fn() },
  setTitle: vi.fn(),
  commands: { notifyNewMessage: vi.fn() },
}));

vi.mock('./bindings', () => ({ commands, events: {} }));
vi.mock('@tauri-apps/plugin-notification', () => notification);
vi.mock('@tauri-apps/api/window', () => ({ getCurrentWindow: () => ({ setTitle }) }));

import { notify, setWindowTitle } from './index';

beforeEach(() => {
  vi.resetAllMocks();
});

describe('desktop notifications and the window title', () => {
  it('notify once permission is granted, asking for it first', async () => {
    notification.isPermissionGranted.mockResolvedValue(false);
    notification.requestPermission.mockResolvedValue('granted');
    commands.notifyNewMessage.mockResolvedValue({ status: 'ok', data: true });
    await notify('王芳', '在吗？', 'c1');
    expect(commands.notifyNewMessage).toHaveBeenCalledWith('王芳', '在吗？', 'c1');
  });

  it('never throw, on a machine without a notification service or with permission refused', async () => {
    notification.isPermissionGranted.mockRejectedValue(new Error('org.freedesktop.Notifications was not provided'));
    await expect(notify('a', 'b', 'c1')).resolves.toBeUndefined();
    notification.isPermissionGranted.mockResolvedValue(false);
    notification.requestPermission.mockResolvedValue('denied');
    await notify('a', 'b', 'c1');
    expect(commands.notifyNewMessage).not.toHaveBeenCalled();
  });

  it('set the title, in the document too, even outside Tauri', async () => {
    await setWindowTitle('Wicket (2)');
    expect(setTitle).toHaveBeenCalledWith('Wicket (2)');
    setTitle.mockRejectedValue(new Error('not in Tauri'));
    await expect(setWindowTitle('Wicket')).resolves.toBeUndefined();
    expect(document.title).toBe('Wicket');
  });
});
