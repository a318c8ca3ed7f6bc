import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeLayout } from '../../test/layout';
import {
  conversationItem,
  emitInboxChanged,
  listPage,
  localSession,
  NOW,
  platformMocks as m,
  resetPlatformMocks,
  threadInfoFor,
  threadMessage,
} from '../../test/platformMock';
import { DEFAULT_FILTER, InboxScreen, LIST_PAGE } from './Inbox';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

fakeLayout();
beforeEach(() => {
  resetPlatformMocks();
  window.localStorage.clear();
});

const user = localSession.user!;
const items = [
  conversationItem('c1', { labels: ['VIP'] }, { subscriber_name: '王芳', unread: 2 }),
  conversationItem('c2', { status: 'pending', assignee: 'u1' }, { subscriber_name: 'Li Lei', waiting: true }),
  conversationItem('c3', { labels: ['退款'] }, { subscriber_name: '张伟' }),
];

async function renderInbox() {
  m.listConversations.mockResolvedValue(listPage(items));
  render(<InboxScreen user={user} />);
  await screen.findAllByTestId('conversation-row');
}

const openRowId = () =>
  screen
    .getAllByTestId('conversation-row')
    .find((r) => r.getAttribute('aria-selected') === 'true')
    ?.getAttribute('data-conversation-id') ?? null;

describe('conversation list', () => {
  it('shows each row with name, preview, unread, status, labels and the waiting mark', async () => {
    await renderInbox();
    const rows = screen.getAllByTestId('conversation-row');
    expect(rows.map((r) => r.getAttribute('data-conversation-id'))).toEqual(['c1', 'c2', 'c3']);
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(within(first).getByTestId('conversation-name').textContent).toBe('王芳');
    expect(within(first).getByTestId('conversation-unread').textContent).toBe('2');
    expect(within(first).getByText('VIP')).toBeTruthy();
    expect(within(first).getByText('街角咖啡')).toBeTruthy();
    expect(within(first).queryByTestId('conversation-waiting')).toBeNull();
    expect(within(second).getByTestId('conversation-status').textContent).toBe('等待中');
    expect(within(second).getByTestId('conversation-waiting')).toBeTruthy();
    expect(screen.getByTestId('thread-empty').textContent).toContain('请选择一个会话');
  });

  it('asks the core for the list with each filter', async () => {
    await renderInbox();
    expect(m.listConversations).toHaveBeenLastCalledWith(DEFAULT_FILTER, LIST_PAGE);

    await userEvent.click(screen.getByTestId('scope-mine'));
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith({ ...DEFAULT_FILTER, scope: 'mine' }, LIST_PAGE),
    );

    await userEvent.selectOptions(screen.getByTestId('filter-status'), 'resolved');
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith(
        { ...DEFAULT_FILTER, scope: 'mine', status: 'resolved' },
        LIST_PAGE,
      ),
    );

    await userEvent.selectOptions(screen.getByTestId('filter-status'), '');
    await userEvent.selectOptions(screen.getByTestId('filter-label'), '退款');
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith(
        { account_id: null, scope: 'mine', status: null, label: '退款' },
        LIST_PAGE,
      ),
    );

    await userEvent.click(screen.getByTestId('scope-unassigned'));
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith(
        { account_id: null, scope: 'unassigned', status: null, label: '退款' },
        LIST_PAGE,
      ),
    );
  });

  it('reads a longer page when the list goes on past its end, and no further once it ends', async () => {
    const fourth = conversationItem('c4', {}, { subscriber_name: '赵六' });
    m.listConversations.mockImplementation(async (_filter, limit: number) =>
      limit === LIST_PAGE ? listPage(items, true) : listPage([...items, fourth], false),
    );
    render(<InboxScreen user={user} />);
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(4));
    expect(m.listConversations).toHaveBeenLastCalledWith(DEFAULT_FILTER, 2 * LIST_PAGE);
    const calls = m.listConversations.mock.calls.length;
    emitInboxChanged();
    await waitFor(() => expect(m.listConversations.mock.calls.length).toBe(calls + 1));
    expect(m.listConversations).toHaveBeenLastCalledWith(DEFAULT_FILTER, 2 * LIST_PAGE);

    // Another filter starts again at one page.
    await userEvent.click(screen.getByTestId('scope-mine'));
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenCalledWith({ ...DEFAULT_FILTER, scope: 'mine' }, LIST_PAGE),
    );
  });

  it('shows only unread conversations when asked, and a saved view keeps that', async () => {
    await renderInbox();
    await userEvent.click(screen.getByTestId('filter-unread'));
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith({ ...DEFAULT_FILTER, unread_only: true }, LIST_PAGE),
    );
    expect(screen.getByTestId('filter-unread').getAttribute('aria-pressed')).toBe('true');
    await userEvent.click(screen.getByTestId('save-view'));
    await userEvent.type(screen.getByTestId('view-name'), '未读{Enter}');
    await userEvent.click(screen.getByTestId('filter-unread'));
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith({ ...DEFAULT_FILTER, unread_only: false }, LIST_PAGE),
    );
    await userEvent.selectOptions(screen.getByTestId('saved-views'), '未读');
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith({ ...DEFAULT_FILTER, unread_only: true }, LIST_PAGE),
    );
  });

  it('keeps a saved view and applies it again', async () => {
    await renderInbox();
    await userEvent.click(screen.getByTestId('scope-mine'));
    await userEvent.click(screen.getByTestId('save-view'));
    await userEvent.type(screen.getByTestId('view-name'), '我的待处理{Enter}');
    expect(JSON.parse(window.localStorage.getItem('wicket.inbox.savedViews') ?? '[]')).toEqual([
      { name: '我的待处理', filter: { ...DEFAULT_FILTER, scope: 'mine' } },
    ]);

    await userEvent.click(screen.getByTestId('scope-all'));
    await userEvent.selectOptions(screen.getByTestId('saved-views'), '我的待处理');
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith({ ...DEFAULT_FILTER, scope: 'mine' }, LIST_PAGE),
    );
  });

  it('reads the list again when the core says the inbox changed', async () => {
    await renderInbox();
    m.listConversations.mockResolvedValue(listPage([conversationItem('c9', {}, { subscriber_name: '新订阅者' })]));
    emitInboxChanged();
    expect(await screen.findByText('新订阅者')).toBeTruthy();
  });

  it('selects with checkboxes and Shift+click, and acts on the selection in bulk', async () => {
    await renderInbox();
    const checks = () => screen.getAllByTestId('conversation-check') as HTMLInputElement[];
    await userEvent.click(checks()[0]!);
    const shift = userEvent.setup();
    await shift.keyboard('{Shift>}');
    await shift.click(checks()[2]!);
    await shift.keyboard('{/Shift}');
    expect(checks().map((c) => c.checked)).toEqual([true, true, true]);
    expect(screen.getByTestId('bulk-bar').textContent).toContain('已选 3 个');

    await userEvent.click(screen.getByTestId('bulk-assign-me'));
    expect(m.assignConversations).toHaveBeenCalledWith(['c1', 'c2', 'c3'], 'u1');
    await waitFor(() => expect(checks().every((c) => !c.checked)).toBe(true));

    await userEvent.click(checks()[1]!);
    await userEvent.selectOptions(screen.getByTestId('bulk-status'), 'resolved');
    expect(m.setConversationStatus).toHaveBeenCalledWith(['c2'], 'resolved');
    await userEvent.click(checks()[2]!);
    await userEvent.click(screen.getByTestId('bulk-unassign'));
    expect(m.assignConversations).toHaveBeenLastCalledWith(['c3'], null);
  });

  it('shows an empty state when there are no conversations', async () => {
    render(<InboxScreen user={user} />);
    expect((await screen.findByTestId('inbox-empty')).textContent).toContain('还没有会话');
  });
});

describe('keyboard', () => {
  it('J and K (and Alt+arrows) move through the list, opening and marking read', async () => {
    await renderInbox();
    await userEvent.keyboard('j');
    expect(openRowId()).toBe('c1');
    expect(m.markRead).toHaveBeenLastCalledWith('c1');
    await userEvent.keyboard('j');
    expect(openRowId()).toBe('c2');
    await userEvent.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(openRowId()).toBe('c3');
    await userEvent.keyboard('j');
    expect(openRowId()).toBe('c3');
    await userEvent.keyboard('k');
    expect(openRowId()).toBe('c2');
    expect(m.markRead).toHaveBeenLastCalledWith('c2');
    await waitFor(() => expect(screen.getByTestId('thread-title').textContent).toBe('Subscriber c2'));
  });

  it('ignores single keys while typing in a field', async () => {
    await renderInbox();
    await userEvent.click(screen.getByTestId('save-view'));
    await userEvent.type(screen.getByTestId('view-name'), 'jk');
    expect(openRowId()).toBeNull();
    expect((screen.getByTestId('view-name') as HTMLInputElement).value).toBe('jk');
    (document.activeElement as HTMLElement).blur();
    await userEvent.keyboard('j');
    expect(openRowId()).toBe('c1');
  });

  it('E resolves and A assigns the open conversation; ? shows the shortcut sheet', async () => {
    await renderInbox();
    await userEvent.keyboard('j');
    await userEvent.keyboard('e');
    expect(m.setConversationStatus).toHaveBeenCalledWith(['c1'], 'resolved');
    await userEvent.keyboard('a');
    expect(m.assignConversations).toHaveBeenCalledWith(['c1'], 'u1');
    await userEvent.keyboard('?');
    expect(screen.getByTestId('shortcut-sheet').textContent).toContain('键盘快捷键');
  });

  it('Shift+E resolves the open conversation and opens the next, or the one before at the end', async () => {
    await renderInbox();
    await userEvent.keyboard('j');
    expect(openRowId()).toBe('c1');
    await userEvent.keyboard('{Shift>}E{/Shift}');
    expect(m.setConversationStatus).toHaveBeenLastCalledWith(['c1'], 'resolved');
    await waitFor(() => expect(openRowId()).toBe('c2'));
    expect(m.markRead).toHaveBeenLastCalledWith('c2');
    await userEvent.keyboard('j');
    expect(openRowId()).toBe('c3');
    await userEvent.keyboard('{Shift>}E{/Shift}');
    expect(m.setConversationStatus).toHaveBeenLastCalledWith(['c3'], 'resolved');
    await waitFor(() => expect(openRowId()).toBe('c2'));
  });

  it('N focuses the composer in note mode, R in reply mode', async () => {
    await renderInbox();
    await userEvent.keyboard('j');
    await screen.findByTestId('composer-input');
    await userEvent.keyboard('n');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('composer-input')));
    expect(screen.getByTestId('mode-note').getAttribute('aria-pressed')).toBe('true');
    (document.activeElement as HTMLElement).blur();
    await userEvent.keyboard('r');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('composer-input')));
    expect(screen.getByTestId('mode-reply').getAttribute('aria-pressed')).toBe('true');
  });

  it('Ctrl+K opens the command palette, even from a text field, and runs a filtered action', async () => {
    await renderInbox();
    screen.getByTestId('inbox-search').focus();
    await userEvent.keyboard('{Control>}k{/Control}');
    const palette = screen.getByTestId('command-palette');
    await userEvent.type(within(palette).getByTestId('palette-input'), '未分配');
    const shown = within(palette).getAllByTestId('palette-item');
    expect(shown[0]?.textContent).toContain('显示：未分配');
    await userEvent.keyboard('{Enter}');
    expect(screen.queryByTestId('command-palette')).toBeNull();
    await waitFor(() =>
      expect(m.listConversations).toHaveBeenLastCalledWith({ ...DEFAULT_FILTER, scope: 'unassigned' }, LIST_PAGE),
    );
  });
});

describe('search', () => {
  it('shows hits with the matched parts highlighted as text, and opens the message', async () => {
    m.searchMessages.mockResolvedValue([
      {
        conversation_id: 'c3',
        message_id: 'm-hit',
        subscriber_name: '张伟',
        created_at: 1_767_225_600_000,
        snippet: [
          { text: '请问', hit: false },
          { text: '退款', hit: true },
          { text: '<b>什么时候</b>到账', hit: false },
        ],
      },
    ]);
    m.conversationMessages.mockResolvedValue({
      older: null,
      messages: [
        threadMessage('m-hit', { conversation_id: 'c3', body: { type: 'text', text: '请问退款什么时候到账' } }),
      ],
    });
    await renderInbox();
    await userEvent.type(screen.getByTestId('inbox-search'), '退款');
    const hit = await screen.findByTestId('search-hit');
    await waitFor(() => expect(m.searchMessages).toHaveBeenCalledWith('退款'));
    expect(m.searchMessages).toHaveBeenCalledTimes(1); // debounced: one call for the whole word
    const marks = hit.querySelectorAll('mark');
    expect(Array.from(marks).map((el) => el.textContent)).toEqual(['退款']);
    expect(within(hit).getByTestId('search-snippet').textContent).toBe('请问退款<b>什么时候</b>到账');
    expect(hit.querySelector('b')).toBeNull();

    fireEvent.click(hit);
    await waitFor(() => expect(m.conversationMessages).toHaveBeenCalledWith('c3', null, 50));
    expect(m.markRead).toHaveBeenCalledWith('c3');
    await waitFor(() => {
      const message = screen
        .getAllByTestId('thread-message')
        .find((el) => el.getAttribute('data-message-id') === 'm-hit');
      expect(message?.className).toContain('is-highlighted');
    });
  });
});

describe('subscriber sidebar', () => {
  it('shows a note refused as a conflict with both texts, and keeps mine or theirs', async () => {
    const conflict = { id: 41, mine: '周五来取货', base: '', created_at: NOW };
    m.threadInfo.mockImplementation(async (id: string) => threadInfoFor(id, { note_conflicts: [conflict] }));
    await renderInbox();
    await userEvent.click(screen.getAllByTestId('conversation-row')[0]!);
    const notice = await screen.findByTestId('note-conflict');
    expect(within(notice).getByTestId('note-conflict-mine').textContent).toBe('周五来取货');
    expect(within(notice).getByTestId('note-conflict-theirs').textContent).toBe('Prefers oat milk');
    await userEvent.click(within(notice).getByTestId('note-conflict-mine-keep'));
    await waitFor(() => expect(m.keepMyNote).toHaveBeenCalledWith(41));
    await userEvent.click(within(screen.getByTestId('note-conflict')).getByTestId('note-conflict-theirs-keep'));
    await waitFor(() => expect(m.dismissRejected).toHaveBeenCalledWith(41));
  });

  it('saves tags and the private note for the open conversation’s subscriber and reads the thread again', async () => {
    await renderInbox();
    await userEvent.click(screen.getAllByTestId('conversation-row')[0]!);
    await screen.findByTestId('subscriber-sidebar');
    const reads = m.threadInfo.mock.calls.length;
    await userEvent.type(screen.getByTestId('sidebar-tag-input'), '常客{Enter}');
    await waitFor(() => expect(m.editSubscriberTags).toHaveBeenCalledWith('sub-c1', ['常客'], []));
    await waitFor(() => expect(m.threadInfo.mock.calls.length).toBeGreaterThan(reads));

    await userEvent.click(screen.getByTestId('sidebar-note-edit'));
    await userEvent.clear(screen.getByTestId('sidebar-note-input'));
    await userEvent.type(screen.getByTestId('sidebar-note-input'), '只喝燕麦奶');
    await userEvent.click(screen.getByTestId('sidebar-note-save'));
    await waitFor(() =>
      expect(m.setSubscriberNote).toHaveBeenLastCalledWith('sub-c1', '只喝燕麦奶', 'Prefers oat milk'),
    );
  });
});
