import { renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  conversationItem,
  emitInboxChanged,
  platformMocks as m,
  resetPlatformMocks,
  threadMessage,
} from '../../test/platformMock';
import { newlyUnread, previewOf, useInboxAlerts, windowTitle } from './alerts';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const ME = 'u1';

beforeEach(() => {
  resetPlatformMocks();
  localStorage.clear();
  vi.spyOn(document, 'hasFocus').mockReturnValue(false);
});

describe('inbox alerts', () => {
  it('count what is unread in my and unassigned conversations only', () => {
    const before = new Map([['c1', 1]]);
    const next = [
      conversationItem('c1', { assignee: ME }, { unread: 2 }),
      conversationItem('c2', { assignee: 'someone-else' }, { unread: 5 }),
      conversationItem('c3', {}, { unread: 1 }),
      conversationItem('c4', {}, { unread: 0 }),
    ];
    expect(newlyUnread(before, next, ME).map((i) => i.conversation.id)).toEqual(['c1', 'c3']);
    expect(windowTitle(0)).toBe('Wicket');
    expect(windowTitle(3)).toBe('Wicket (3)');
  });

  it('preview text only', () => {
    expect(previewOf({ type: 'text', text: '  在吗？ ' }, 'New message')).toBe('在吗？');
    expect(previewOf({ type: 'image', url: 'https://x/y.png' }, 'New message')).toBe('New message');
    expect(previewOf({ type: 'text', text: 'x'.repeat(300) }, '')).toHaveLength(120);
  });

  it('keep the unread total in the title and notify of a new message while the window is in the background', async () => {
    m.attention.mockResolvedValue([
      conversationItem('c1', { assignee: ME }, { unread: 1 }),
      conversationItem('c2', { assignee: 'someone-else' }, { unread: 4 }),
    ]);
    const { unmount } = renderHook(() => useInboxAlerts(ME));
    await waitFor(() => expect(m.setWindowTitle).toHaveBeenLastCalledWith('Wicket (1)'));
    expect(m.notify).not.toHaveBeenCalled();

    m.attention.mockResolvedValue([
      conversationItem('c1', { assignee: ME }, { unread: 2, subscriber_name: '王芳' }),
      conversationItem('c2', { assignee: 'someone-else' }, { unread: 6 }),
      conversationItem('c3', {}, { unread: 1, subscriber_name: 'Ann' }),
    ]);
    m.conversationMessages.mockImplementation(async (id: string) => ({
      messages: [
        threadMessage(`${id}-m1`, { body: { type: 'text', text: id === 'c1' ? '还款日是哪天？' : 'hello' } }),
        threadMessage(`${id}-m2`, { direction: 'outbound', body: { type: 'text', text: 'our reply' } }),
      ],
      older: null,
    }));
    emitInboxChanged();
    await waitFor(() => expect(m.notify).toHaveBeenCalledTimes(2));
    expect(m.notify).toHaveBeenCalledWith('王芳', '还款日是哪天？', expect.any(String));
    expect(m.notify).toHaveBeenCalledWith('Ann', 'hello', expect.any(String));
    expect(m.setWindowTitle).toHaveBeenLastCalledWith('Wicket (3)');
    expect(m.setUnread).toHaveBeenLastCalledWith(3);

    unmount();
    expect(m.setWindowTitle).toHaveBeenLastCalledWith('Wicket');
  });

  it('stay quiet while the window has focus (pausing is the core’s, also from the tray)', async () => {
    m.attention.mockResolvedValue([conversationItem('c1', {}, { unread: 0 })]);
    renderHook(() => useInboxAlerts(ME));
    await waitFor(() => expect(m.setWindowTitle).toHaveBeenLastCalledWith('Wicket'));

    vi.mocked(document.hasFocus).mockReturnValue(true);
    m.attention.mockResolvedValue([conversationItem('c1', {}, { unread: 1 })]);
    emitInboxChanged();
    await waitFor(() => expect(m.setWindowTitle).toHaveBeenLastCalledWith('Wicket (1)'));

    expect(m.notify).not.toHaveBeenCalled();
    vi.mocked(document.hasFocus).mockReturnValue(false);
    m.attention.mockResolvedValue([conversationItem('c1', {}, { unread: 2 })]);
    emitInboxChanged();
    await waitFor(() => expect(m.setWindowTitle).toHaveBeenLastCalledWith('Wicket (2)'));
    expect(m.notify).toHaveBeenCalledWith(expect.any(String), expect.any(String), 'c1');
    expect(m.setUnread).toHaveBeenLastCalledWith(2);
  });
});
