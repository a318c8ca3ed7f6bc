import { beforeEach, describe, expect, it, vi } from 'vitest';

const { notification, setTitle } = vi.hoisted(() => ({
  notification: { isPermissionGranted: vi.fn(), requestPermission: vi.fn(), sendNotification: vi.fn() },
  setTitle: vi.fn(),
}));

vi.mock('./bindings', () => ({ commands: {}, events: {} }));
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
    await notify('王芳', '在吗？');
    expect(notification.sendNotification).toHaveBeenCalledWith({ title: '王芳', body: '在吗？' });
  });

  it('never throw, on a machine without a notification service or with permission refused', async () => {
    notification.isPermissionGranted.mockRejectedValue(new Error('org.freedesktop.Notifications was not provided'));
    await expect(notify('a', 'b')).resolves.toBeUndefined();
    notification.isPermissionGranted.mockResolvedValue(false);
    notification.requestPermission.mockResolvedValue('denied');
    await notify('a', 'b');
    expect(notification.sendNotification).not.toHaveBeenCalled();
  });

  it('set the title, in the document too, even outside Tauri', async () => {
    await setWindowTitle('Wicket (2)');
    expect(setTitle).toHaveBeenCalledWith('Wicket (2)');
    setTitle.mockRejectedValue(new Error('not in Tauri'));
    await expect(setWindowTitle('Wicket')).resolves.toBeUndefined();
    expect(document.title).toBe('Wicket');
  });
});
