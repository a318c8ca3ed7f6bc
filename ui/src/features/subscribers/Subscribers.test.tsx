import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeLayout } from '../../test/layout';
import { emitInboxChanged, platformMocks as m, resetPlatformMocks, subscriberItem } from '../../test/platformMock';
import { SUBSCRIBER_PAGE, SubscribersScreen } from './Subscribers';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

fakeLayout();

const zhang = subscriberItem('s1', { display_name: '张三', tags: ['VIP'], note: '常问账单' });
const alice = subscriberItem(
  's2',
  { display_name: 'Alice', following: false },
  { conversation_id: null, last_activity_at: null },
);

beforeEach(() => {
  resetPlatformMocks();
  m.listSubscribers.mockResolvedValue({ items: [zhang, alice], more: false });
});

const rows = () => screen.getAllByTestId('subscriber-row').map((r) => r.getAttribute('data-subscriber-id'));

describe('the subscribers screen', () => {
  it('lists subscribers from the cache and searches once typing pauses', async () => {
    render(<SubscribersScreen onOpenConversation={vi.fn()} />);
    await waitFor(() => expect(rows()).toEqual(['s1', 's2']));
    expect(m.listSubscribers).toHaveBeenLastCalledWith(
      { account_id: null, text: '', following_only: false },
      SUBSCRIBER_PAGE,
    );
    const first = screen.getAllByTestId('subscriber-row')[0]!;
    expect(within(first).getByText('VIP')).toBeTruthy();

    m.listSubscribers.mockResolvedValue({ items: [zhang], more: false });
    await userEvent.type(screen.getByTestId('subscribers-search'), '账单');
    await waitFor(() =>
      expect(m.listSubscribers).toHaveBeenLastCalledWith(
        { account_id: null, text: '账单', following_only: false },
        SUBSCRIBER_PAGE,
      ),
    );
    await waitFor(() => expect(rows()).toEqual(['s1']));

    await userEvent.click(screen.getByTestId('subscribers-following'));
    await waitFor(() =>
      expect(m.listSubscribers).toHaveBeenLastCalledWith(
        { account_id: null, text: '账单', following_only: true },
        SUBSCRIBER_PAGE,
      ),
    );

    m.listSubscribers.mockResolvedValue({ items: [], more: false });
    await userEvent.type(screen.getByTestId('subscribers-search'), '没有这个人');
    expect((await screen.findByTestId('subscribers-empty')).textContent).toBe('没有符合条件的粉丝。');
  });

  it('shows a profile, saves a new tag through the outbox, and opens the latest conversation', async () => {
    const onOpen = vi.fn();
    render(<SubscribersScreen onOpenConversation={onOpen} />);
    await waitFor(() => expect(rows()).toEqual(['s1', 's2']));
    expect(screen.getByTestId('subscribers-select')).toBeTruthy();

    await userEvent.click(screen.getAllByTestId('subscriber-row')[0]!);
    const detail = screen.getByTestId('subscriber-detail');
    expect(within(detail).getByTestId('subscriber-detail-name').textContent).toBe('张三');
    expect(within(detail).getByText('user-s1')).toBeTruthy();

    const calls = m.listSubscribers.mock.calls.length;
    await userEvent.type(within(detail).getByTestId('sidebar-tag-input'), '常客{Enter}');
    expect(m.editSubscriberTags).toHaveBeenCalledWith('s1', ['常客'], []);
    await waitFor(() => expect(m.listSubscribers.mock.calls.length).toBeGreaterThan(calls));

    await userEvent.click(within(detail).getByTestId('subscriber-open-conversation'));
    expect(onOpen).toHaveBeenCalledWith('c-s1');

    await userEvent.click(screen.getAllByTestId('subscriber-row')[1]!);
    expect(within(screen.getByTestId('subscriber-detail')).queryByTestId('subscriber-open-conversation')).toBeNull();
  });

  it('reads again when the inbox changes, and asks for more as the list goes on', async () => {
    m.listSubscribers.mockImplementation(async (_filter, limit: number) =>
      limit === SUBSCRIBER_PAGE ? { items: [zhang], more: true } : { items: [zhang, alice], more: false },
    );
    render(<SubscribersScreen onOpenConversation={vi.fn()} />);
    await waitFor(() => expect(rows()).toEqual(['s1', 's2']));
    expect(m.listSubscribers).toHaveBeenLastCalledWith(expect.anything(), 2 * SUBSCRIBER_PAGE);
    const calls = m.listSubscribers.mock.calls.length;
    emitInboxChanged();
    await waitFor(() => expect(m.listSubscribers.mock.calls.length).toBe(calls + 1));
  });

  it('tags the checked subscribers, or everyone the search finds when none is checked', async () => {
    m.tagSubscribers.mockResolvedValue(1);
    m.tagSubscribersFound.mockResolvedValue(2);
    render(<SubscribersScreen onOpenConversation={vi.fn()} />);
    await waitFor(() => expect(rows()).toEqual(['s1', 's2']));
    const scope = screen.getByTestId('subscribers-bulk-scope');
    expect(scope.textContent).toBe('未勾选：标签改动搜索到的全部 2 位粉丝');
    const add = screen.getByTestId('subscribers-bulk-add') as HTMLButtonElement;
    expect(add.disabled).toBe(true);

    // One checked: the tag goes to that one, and checking does not open the profile.
    await userEvent.click(within(screen.getAllByTestId('subscriber-row')[1]!).getByTestId('subscriber-check'));
    expect(scope.textContent).toBe('已勾选 1 位：标签只改他们');
    expect(screen.queryByTestId('subscriber-detail')).toBeNull();
    await userEvent.type(screen.getByTestId('subscribers-bulk-tag'), ' 老客 ');
    const reads = m.listSubscribers.mock.calls.length;
    await userEvent.click(add);
    expect(m.tagSubscribers).toHaveBeenCalledWith(['s2'], ['老客'], []);
    expect((await screen.findByTestId('subscribers-bulk-outcome')).textContent).toBe('已给 1 位粉丝加上“老客”。');
    await waitFor(() => expect(m.listSubscribers.mock.calls.length).toBeGreaterThan(reads));
    expect(scope.textContent).toBe('未勾选：标签改动搜索到的全部 2 位粉丝');

    // Done: the tag box is empty again, so a second click cannot tag everyone found.
    expect((screen.getByTestId('subscribers-bulk-tag') as HTMLInputElement).value).toBe('');
    expect(add.disabled).toBe(true);

    // None checked: everyone the search finds loses it.
    await userEvent.type(screen.getByTestId('subscribers-bulk-tag'), '老客');
    await userEvent.click(screen.getByTestId('subscribers-bulk-remove'));
    expect(m.tagSubscribersFound).toHaveBeenCalledWith(
      { account_id: null, text: '', following_only: false },
      [],
      ['老客'],
    );
    expect((await screen.findByTestId('subscribers-bulk-outcome')).textContent).toBe('已从 2 位粉丝移除“老客”。');

    // A search that leaves a checked subscriber out leaves them out of the tag too.
    await userEvent.click(within(screen.getAllByTestId('subscriber-row')[0]!).getByTestId('subscriber-check'));
    m.listSubscribers.mockResolvedValue({ items: [alice], more: false });
    await userEvent.type(screen.getByTestId('subscribers-search'), 'Alice');
    await waitFor(() => expect(rows()).toEqual(['s2']));
    expect(scope.textContent).toBe('未勾选：标签改动搜索到的全部 1 位粉丝');
    m.listSubscribers.mockResolvedValue({ items: [zhang, alice], more: false });
    await userEvent.clear(screen.getByTestId('subscribers-search'));
    await waitFor(() => expect(rows()).toEqual(['s1', 's2']));
    expect(scope.textContent).toBe('已勾选 1 位：标签只改他们');
    await userEvent.click(within(screen.getAllByTestId('subscriber-row')[0]!).getByTestId('subscriber-check'));

    // Check all, then a refusal shows in words.
    await userEvent.click(screen.getByTestId('subscribers-check-all'));
    expect(scope.textContent).toBe('已勾选 2 位：标签只改他们');
    m.tagSubscribers.mockRejectedValue({ code: 'offline', message: 'x', issues: [] });
    await userEvent.type(screen.getByTestId('subscribers-bulk-tag'), '老客');
    await userEvent.click(add);
    expect((await screen.findByTestId('subscribers-bulk-outcome')).getAttribute('role')).toBe('alert');
  });
});
