import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageCursor, ThreadMessage } from '../../platform';
import { fakeLayout } from '../../test/layout';
import { NOW, platformMocks as m, resetPlatformMocks, threadMessage } from '../../test/platformMock';
import { MAX_JUMP_PAGES, PAGE_SIZE, Thread, type JumpTarget } from './Thread';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

fakeLayout();
beforeEach(() => resetPlatformMocks());

function renderThread(jump: JumpTarget | null = null, onError = vi.fn()) {
  render(<Thread conversationId="c1" version={0} subscriberName="王芳" me="u1" jump={jump} onError={onError} />);
  return onError;
}

const messageIds = () => screen.getAllByTestId('thread-message').map((el) => el.getAttribute('data-message-id'));

describe('thread', () => {
  it("draws the server's own images through the core (kept for offline use), a queued one marked queued", async () => {
    const id = 'ab'.repeat(32);
    m.conversationMessages.mockResolvedValue({
      older: null,
      messages: [
        threadMessage('in', { body: { type: 'image', url: `/s/media/${'cd'.repeat(32)}` } }),
        threadMessage(
          'out',
          { direction: 'outbound', author: 'u1', body: { type: 'image', url: `/s/media/${id}` } },
          'queued',
        ),
        threadMessage('odd', { body: { type: 'image', url: '/s/media/../../etc/passwd' } }),
      ],
    });
    renderThread();
    await waitFor(() => expect(screen.getAllByRole('img')).toHaveLength(2));
    const [inbound, outbound] = screen.getAllByRole('img');
    expect(inbound?.getAttribute('src')).toBe(`wicket-media://localhost/${'cd'.repeat(32)}`);
    expect(outbound?.getAttribute('src')).toBe(`wicket-media://localhost/${id}`);
    const queued = screen.getAllByTestId('thread-message').find((el) => el.getAttribute('data-message-id') === 'out');
    expect(queued && within(queued).getByTestId('message-state').getAttribute('data-state')).toBe('queued');
    const odd = screen.getAllByTestId('thread-message').find((el) => el.getAttribute('data-message-id') === 'odd');
    expect(odd?.querySelector('img')).toBeNull(); // not exactly a media path: not shown

    // One that cannot be shown (offline and never seen) says so.
    fireEvent.error(inbound!);
    const inboundRow = screen
      .getAllByTestId('thread-message')
      .find((el) => el.getAttribute('data-message-id') === 'in')!;
    await waitFor(() => expect(inboundRow.querySelector('img')).toBeNull());
    expect(inboundRow.textContent).toContain('无法显示的图片');
  });

  it('loads the latest page and draws every kind of body', async () => {
    m.conversationMessages.mockResolvedValue({
      older: null,
      messages: [
        threadMessage('e1', { body: { type: 'event', event: 'follow' }, created_at: NOW - 86_400_000 * 2 }),
        threadMessage('t1', { body: { type: 'text', text: '你们几点开门？' } }),
        threadMessage('i1', { body: { type: 'image', url: 'https://img.example.com/a.png' } }),
        threadMessage('i2', { body: { type: 'image', url: 'javascript:alert(1)' } }),
        threadMessage('l1', { body: { type: 'location', latitude: 31.23, longitude: 121.47, label: '人民广场' } }),
        threadMessage(
          'a1',
          {
            direction: 'outbound',
            author: 'u1',
            body: {
              type: 'article',
              title: '春季新品',
              description: '新品上市',
              url: 'https://shop.example.com/new',
              image_url: 'https://img.example.com/b.png',
            },
          },
          'delivered',
        ),
        threadMessage('k1', { body: { type: 'event', event: 'keyword', keyword: '优惠' } }),
        threadMessage('m1', { body: { type: 'event', event: 'menu_tap', key: 'k', label: '门店' } }),
        threadMessage('n1', { direction: 'note', author: 'u2', body: { type: 'text', text: '这位是老顾客' } }),
      ],
    });
    renderThread();
    await waitFor(() => expect(messageIds()).toHaveLength(9));
    expect(m.conversationMessages).toHaveBeenCalledWith('c1', null, PAGE_SIZE);

    const byId = (id: string) =>
      screen.getAllByTestId('thread-message').find((el) => el.getAttribute('data-message-id') === id)!;
    expect(byId('e1').textContent).toContain('王芳 关注了账号');
    expect(byId('k1').textContent).toContain('王芳 发送了关键词“优惠”');
    expect(byId('m1').textContent).toContain('王芳 点击了菜单“门店”');
    expect(byId('t1').textContent).toContain('你们几点开门？');
    expect(byId('i1').querySelector('img')?.getAttribute('src')).toBe('https://img.example.com/a.png');
    expect(byId('i2').querySelector('img')).toBeNull();
    expect(byId('l1').textContent).toContain('人民广场');
    expect(byId('a1').textContent).toContain('春季新品');
    expect(byId('a1').textContent).toContain('shop.example.com');
    expect(within(byId('a1')).getByTestId('message-state').getAttribute('data-state')).toBe('delivered');
    expect(byId('n1').textContent).toContain('内部备注');
    expect(byId('n1').querySelector('[data-testid="message-state"]')).toBeNull();
    expect(screen.getAllByTestId('day-separator').length).toBeGreaterThanOrEqual(2);
  });

  it('marks a reply an automatic-reply rule sent', async () => {
    m.conversationMessages.mockResolvedValue({
      older: null,
      messages: [
        threadMessage('in', { body: { type: 'text', text: '营业时间' } }),
        threadMessage(
          'auto',
          {
            direction: 'outbound',
            author: null,
            body: { type: 'text', text: '9 点到 18 点' },
            auto_reply: { rule_id: 'r1', trigger: 'keyword', passive: true },
          },
          'sent',
        ),
        threadMessage('staff', { direction: 'outbound', author: 'u1', body: { type: 'text', text: '您好' } }, 'sent'),
      ],
    });
    renderThread();
    await waitFor(() => expect(messageIds()).toEqual(['in', 'auto', 'staff']));
    const marked = screen.getAllByTestId('message-automatic');
    expect(marked).toHaveLength(1);
    expect(marked[0]!.textContent).toBe('自动回复');
    expect(marked[0]!.closest('[data-message-id]')?.getAttribute('data-message-id')).toBe('auto');
  });

  it('shows a subscriber message with HTML in it as text', async () => {
    const evil = '<img src=x onerror=alert(1)><b>hi</b>';
    m.conversationMessages.mockResolvedValue({
      older: null,
      messages: [threadMessage('x1', { body: { type: 'text', text: evil } })],
    });
    renderThread();
    const bubble = await screen.findByText(evil);
    expect(bubble.textContent).toBe(evil);
    expect(screen.getByTestId('thread-scroll').querySelector('img')).toBeNull();
    expect(screen.getByTestId('thread-scroll').querySelector('b')).toBeNull();
  });

  it('shows a failed reply with its reason and a Retry that calls retryMessage', async () => {
    m.conversationMessages.mockResolvedValue({
      older: null,
      messages: [
        threadMessage('ok', { direction: 'outbound', author: 'u1' }, 'sent'),
        threadMessage('q1', { direction: 'outbound', author: 'u1' }, 'queued'),
        threadMessage('f1', { direction: 'outbound', author: 'u1' }, 'failed', 'reply_window.expired'),
      ],
    });
    renderThread();
    const retry = await screen.findByTestId('message-retry');
    expect(screen.getAllByTestId('message-retry')).toHaveLength(1);
    expect(screen.getByTestId('message-failure').textContent).toBe('无法回复：回复窗口已过期。');
    const states = screen.getAllByTestId('message-state').map((el) => el.getAttribute('data-state'));
    expect(states).toEqual(['sent', 'queued', 'failed']);

    await userEvent.click(retry);
    expect(m.retryMessage).toHaveBeenCalledWith('f1');
    await waitFor(() => expect(m.conversationMessages).toHaveBeenCalledTimes(2)); // read again after the retry
  });

  it('loads older pages until a search hit is there, then highlights it', async () => {
    const page = (from: number, older: MessageCursor | null) => ({
      older,
      messages: Array.from({ length: 3 }, (_, i): ThreadMessage =>
        threadMessage(`m${from + i}`, { created_at: NOW - (100 - from - i) * 60_000 }),
      ),
    });
    m.conversationMessages.mockImplementation(async (_id: string, before: MessageCursor | null) => {
      if (before === null) return page(6, { created_at: 1, id: 'm6' });
      if (before.id === 'm6') return page(3, { created_at: 1, id: 'm3' });
      return page(0, null);
    });
    renderThread({ messageId: 'm1', nonce: 1 });
    await waitFor(() => expect(messageIds()).toContain('m1'));
    expect(m.conversationMessages).toHaveBeenCalledTimes(3);
    const hit = screen.getAllByTestId('thread-message').find((el) => el.getAttribute('data-message-id') === 'm1')!;
    await waitFor(() => expect(hit.className).toContain('is-highlighted'));
    expect(messageIds()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
  });

  it('gives up on a jump after a bounded number of pages', async () => {
    let n = 0;
    m.conversationMessages.mockImplementation(async () => {
      n += 1;
      return {
        older: { created_at: 1, id: `c${n}` },
        messages: [threadMessage(`p${n}`, { created_at: NOW - n * 60_000 })],
      };
    });
    renderThread({ messageId: 'nowhere', nonce: 1 });
    expect(await screen.findByTestId('jump-missing')).toBeTruthy();
    expect(m.conversationMessages).toHaveBeenCalledTimes(MAX_JUMP_PAGES + 1);
  });
});
