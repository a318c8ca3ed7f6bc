import { act, fireEvent, render, renderHook, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import type { Presence, PresenceSnapshot } from '../../platform';
import { fakeLayout } from '../../test/layout';
import {
  conversationItem,
  emitPresence,
  listPage,
  localSession,
  platformMocks as m,
  resetPlatformMocks,
} from '../../test/platformMock';
import { InboxScreen } from './Inbox';
import { initials, joinNames } from './Presence';
import { groupPresence, TYPING_IDLE_MS, TYPING_THROTTLE_MS, useTypingPresence } from './usePresence';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

fakeLayout();
beforeEach(() => {
  resetPlatformMocks();
  window.localStorage.clear();
});
afterEach(() => {
  vi.useRealTimers();
});

const user = localSession.user!;
const ME = user.id;
const items = [
  conversationItem('c1', {}, { subscriber_name: '王小明' }),
  conversationItem('c2', {}, { subscriber_name: 'Li Lei' }),
  conversationItem('c3', {}, { subscriber_name: '张伟' }),
];

const entry = (
  conversation_id: string,
  staff_id: string,
  display_name: string,
  state: Presence['state'],
): Presence => ({
  conversation_id,
  staff_id,
  display_name,
  state,
});
const live = (...entries: Presence[]): PresenceSnapshot => ({ live: true, entries });

async function renderInbox() {
  m.listConversations.mockResolvedValue(listPage(items));
  const view = render(<InboxScreen user={user} />);
  await screen.findAllByTestId('conversation-row');
  // The first presence read has answered.
  await waitFor(() => expect(m.presence).toHaveBeenCalled());
  return view;
}

const row = (id: string) =>
  screen.getAllByTestId('conversation-row').find((r) => r.getAttribute('data-conversation-id') === id)!;

async function openConversation(id: string) {
  await userEvent.click(row(id));
  await screen.findByTestId('composer-input');
}

const presenceCalls = () => m.setPresence.mock.calls as [string | null, boolean][];

describe('presence in the thread', () => {
  it('shows a colleague typing from an emitted snapshot, never oneself', async () => {
    await renderInbox();
    await openConversation('c1');
    emitPresence(
      live(
        entry('c1', 'u2', '王芳', 'typing'),
        entry('c1', ME, '李梅', 'viewing'),
        entry('c2', 'u3', '陈静', 'viewing'),
      ),
    );

    const line = await screen.findByTestId('thread-presence');
    expect(within(line).getByTestId('thread-presence-text').textContent).toBe('王芳 正在输入…');
    expect(line.textContent).not.toContain('李梅');
    expect(line.textContent).not.toContain('陈静');
    const avatars = within(line).getAllByTestId('presence-avatar');
    expect(avatars.map((a) => [a.textContent, a.getAttribute('data-state')])).toEqual([['王', 'typing']]);
    expect(screen.getByTestId('composer-presence').textContent).toContain('王芳 正在输入回复');

    // She stops typing: still viewing, and the composer warning goes.
    emitPresence(live(entry('c1', 'u2', '王芳', 'viewing'), entry('c1', 'u4', '赵磊', 'viewing')));
    expect(screen.getByTestId('thread-presence-text').textContent).toBe('王芳和赵磊 正在查看');
    expect(screen.queryByTestId('composer-presence')).toBeNull();

    // Only oneself: nothing to show.
    emitPresence(live(entry('c1', ME, '李梅', 'typing')));
    expect(screen.queryByTestId('thread-presence')).toBeNull();
    expect(screen.queryByTestId('composer-presence')).toBeNull();
  });

  it('says it in English too, typing before viewing', async () => {
    await i18n.changeLanguage('en');
    await renderInbox();
    await openConversation('c1');
    emitPresence(
      live(
        entry('c1', 'u2', 'Wang Fang', 'viewing'),
        entry('c1', 'u3', 'Zhao Lei', 'typing'),
        entry('c1', 'u4', 'Amy', 'viewing'),
      ),
    );
    expect((await screen.findByTestId('thread-presence-text')).textContent).toBe(
      'Zhao Lei is typing… · Amy and Wang Fang are viewing',
    );
    expect(screen.getByTestId('composer-presence').textContent).toBe(
      'Zhao Lei is typing a reply — you may answer twice',
    );
  });

  it('says colleagues are unknown while the live feed is down, and hides the row badges', async () => {
    m.presence.mockResolvedValue(live(entry('c2', 'u2', '王芳', 'viewing')));
    await renderInbox();
    await within(row('c2')).findByTestId('conversation-presence');
    await openConversation('c2');
    expect(await screen.findByTestId('thread-presence')).toBeTruthy();
    expect(screen.queryByTestId('presence-unknown')).toBeNull();

    emitPresence({ live: false, entries: [] });
    expect(screen.getByTestId('presence-unknown').textContent).toContain('离线时无法得知同事动态');
    expect(screen.queryByTestId('thread-presence')).toBeNull();
    expect(screen.queryByTestId('conversation-presence')).toBeNull();

    emitPresence(live(entry('c2', 'u2', '王芳', 'typing')));
    expect(screen.queryByTestId('presence-unknown')).toBeNull();
    expect(within(row('c2')).getByTestId('presence-avatar').getAttribute('data-state')).toBe('typing');
  });

  it('starts unknown when the first read is not live', async () => {
    m.presence.mockResolvedValue({ live: false, entries: [] });
    await renderInbox();
    await openConversation('c1');
    expect((await screen.findByTestId('presence-unknown')).textContent).toContain('离线时无法得知同事动态');
  });
});

describe('presence on the list', () => {
  it('shows a badge for a colleague viewing a conversation, from the first read and from updates', async () => {
    m.presence.mockResolvedValue(live(entry('c2', 'u2', '王芳', 'viewing'), entry('c3', ME, '李梅', 'viewing')));
    await renderInbox();
    const badge = await within(row('c2')).findByTestId('conversation-presence');
    const avatar = within(badge).getByTestId('presence-avatar');
    expect(avatar.textContent).toBe('王');
    expect(avatar.getAttribute('data-state')).toBe('viewing');
    expect(avatar.classList.contains('is-typing')).toBe(false);
    expect(badge.getAttribute('aria-label')).toBe('王芳 正在查看');
    // Oneself is not a colleague; nobody is in c1.
    expect(within(row('c3')).queryByTestId('conversation-presence')).toBeNull();
    expect(within(row('c1')).queryByTestId('conversation-presence')).toBeNull();

    emitPresence(
      live(
        entry('c1', 'u2', '王芳', 'typing'),
        entry('c3', 'u3', 'Li Lei', 'viewing'),
        entry('c3', 'u4', '赵磊', 'viewing'),
        entry('c3', 'u5', '陈静', 'viewing'),
        entry('c3', 'u6', '周杰', 'viewing'),
      ),
    );
    expect(within(row('c2')).queryByTestId('conversation-presence')).toBeNull();
    const typing = within(row('c1')).getByTestId('presence-avatar');
    expect(typing.getAttribute('data-state')).toBe('typing');
    expect(typing.classList.contains('is-typing')).toBe(true);
    const many = within(row('c3')).getByTestId('conversation-presence');
    expect(within(many).getAllByTestId('presence-avatar')).toHaveLength(3);
    expect(many.textContent).toContain('+1');
  });
});

describe('telling colleagues where this console is', () => {
  it('says viewing on open, typing once for a burst (notes too), the next one on switching, none on close and unmount', async () => {
    const view = await renderInbox();
    expect(m.setPresence).not.toHaveBeenCalled();

    await openConversation('c1');
    expect(presenceCalls()).toEqual([['c1', false]]);

    await userEvent.type(screen.getByTestId('composer-input'), '您好，请稍等');
    expect(presenceCalls()).toEqual([
      ['c1', false],
      ['c1', true],
    ]);

    // Switching says where this console is now; the server announces leaving c1.
    await openConversation('c2');
    expect(presenceCalls().slice(2)).toEqual([['c2', false]]);

    await userEvent.click(screen.getByTestId('mode-note'));
    await userEvent.type(screen.getByTestId('composer-input'), '老顾客');
    expect(presenceCalls().slice(3)).toEqual([['c2', true]]);

    await userEvent.click(screen.getByTestId('thread-close'));
    expect(screen.getByTestId('thread-empty')).toBeTruthy();
    expect(presenceCalls().slice(4)).toEqual([[null, false]]);

    await openConversation('c3');
    expect(presenceCalls().slice(5)).toEqual([['c3', false]]);
    view.unmount();
    expect(presenceCalls().slice(6)).toEqual([[null, false]]);
  });

  it('Escape closes the open conversation when nothing is selected', async () => {
    await renderInbox();
    await openConversation('c1');
    (document.activeElement as HTMLElement).blur();
    await userEvent.keyboard('{Escape}');
    expect(screen.getByTestId('thread-empty')).toBeTruthy();
    expect(m.setPresence).toHaveBeenLastCalledWith(null, false);
  });

  it('says viewing again once the text is sent', async () => {
    await renderInbox();
    await openConversation('c1');
    // A note: sent whatever the fixtures' reply window says today.
    await userEvent.click(screen.getByTestId('mode-note'));
    await userEvent.type(screen.getByTestId('composer-input'), '好的{Enter}');
    await waitFor(() => expect(m.sendReply).toHaveBeenCalled());
    await waitFor(() => expect(m.setPresence).toHaveBeenLastCalledWith('c1', false));
    expect(presenceCalls()).toEqual([
      ['c1', false],
      ['c1', true],
      ['c1', false],
    ]);
  });
});

describe('typing presence timing', () => {
  it('says typing at most once per throttle while keys are pressed, and viewing after the idle time', () => {
    vi.useFakeTimers();
    const { result, unmount } = renderHook(() => useTypingPresence('c1'));
    act(() => result.current.typed());
    act(() => vi.advanceTimersByTime(500));
    act(() => result.current.typed());
    act(() => vi.advanceTimersByTime(TYPING_THROTTLE_MS - 600));
    act(() => result.current.typed());
    expect(presenceCalls()).toEqual([['c1', true]]);

    // Still typing past the throttle: said again, so it does not go stale.
    act(() => vi.advanceTimersByTime(200));
    act(() => result.current.typed());
    expect(presenceCalls()).toEqual([
      ['c1', true],
      ['c1', true],
    ]);

    act(() => vi.advanceTimersByTime(TYPING_IDLE_MS - 1));
    expect(presenceCalls()).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(presenceCalls()).toEqual([
      ['c1', true],
      ['c1', true],
      ['c1', false],
    ]);

    // A new burst after the pause is typing again at once.
    act(() => result.current.typed());
    expect(presenceCalls()).toHaveLength(4);
    expect(m.setPresence).toHaveBeenLastCalledWith('c1', true);

    // Unmounting (the inbox says where it is now) says nothing more.
    unmount();
    act(() => vi.advanceTimersByTime(TYPING_IDLE_MS * 2));
    expect(presenceCalls()).toHaveLength(4);
  });

  it('goes back to viewing 4 s after the last key in the composer', async () => {
    await renderInbox();
    await openConversation('c1');
    vi.useFakeTimers();
    const input = screen.getByTestId('composer-input');
    fireEvent.change(input, { target: { value: '在' } });
    act(() => vi.advanceTimersByTime(1_000));
    fireEvent.change(input, { target: { value: '在吗' } });
    expect(presenceCalls()).toEqual([
      ['c1', false],
      ['c1', true],
    ]);
    act(() => vi.advanceTimersByTime(TYPING_IDLE_MS - 1));
    expect(presenceCalls()).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(presenceCalls()).toEqual([
      ['c1', false],
      ['c1', true],
      ['c1', false],
    ]);
  });
});

describe('presence helpers', () => {
  it('groups by conversation without oneself, one entry per colleague, typing first', () => {
    const grouped = groupPresence(
      live(
        entry('c1', 'u2', '王芳', 'viewing'),
        entry('c1', 'u2', '王芳', 'typing'),
        entry('c1', 'u3', '艾米', 'viewing'),
        entry('c1', ME, '李梅', 'typing'),
      ),
      ME,
    );
    expect(grouped.byConversation.get('c1')?.map((p) => [p.staff_id, p.state])).toEqual([
      ['u2', 'typing'],
      ['u3', 'viewing'],
    ]);
    expect(
      groupPresence({ live: false, entries: [entry('c1', 'u2', '王芳', 'viewing')] }, ME).byConversation.size,
    ).toBe(0);
  });

  it('makes initials and lists names in the reader language', () => {
    expect(initials('王芳')).toBe('王');
    expect(initials('Li Lei')).toBe('LL');
    expect(initials('mei')).toBe('M');
    expect(joinNames(['王芳', '赵磊'], 'zh-CN')).toBe('王芳和赵磊');
    expect(joinNames(['A', 'B', 'C'], 'en')).toBe('A, B, and C');
  });
});
