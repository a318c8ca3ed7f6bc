import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type Broadcast, type Forecast } from '../../platform';
import { accountItem, emitBroadcastProgress, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { BroadcastsScreen } from './Broadcasts';
import { POLL_MS } from './BroadcastList';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const forecast: Forecast = {
  counts: [
    {
      platform: 'wechat',
      targeted: 5,
      pending: 3,
      sent: 0,
      skipped_subscriber_cap: 1,
      skipped_account_cap: 0,
      unreachable: 1,
      failed: 0,
      cancelled: 0,
    },
  ],
  period_start: 1_767_225_600_000,
};

function broadcast(id: string, overrides: Partial<Broadcast> = {}): Broadcast {
  return {
    id,
    account_id: 'acc-1',
    content: { type: 'text', text: '会员日：燕麦拿铁第二杯半价' },
    audience: { kind: 'all' },
    status: 'done',
    send_at: 1_767_225_600_000,
    planned: true,
    counts: [
      {
        platform: 'wechat',
        targeted: 12,
        pending: 0,
        sent: 9,
        skipped_subscriber_cap: 1,
        skipped_account_cap: 0,
        unreachable: 1,
        failed: 1,
        cancelled: 0,
      },
    ],
    failures: [],
    platform_totals: [],
    created_by: 'u1',
    created_at: 1_767_225_600_000,
    updated_at: 1_767_225_600_000,
    ...overrides,
  };
}

beforeEach(() => {
  resetPlatformMocks();
  m.listAccounts.mockResolvedValue([accountItem({ platform: 'wechat' })]);
  m.segmentCounts.mockResolvedValue([{ platform: 'wechat', subscribers: 7, following: 6 }]);
  m.broadcastForecast.mockResolvedValue(forecast);
  m.sendBroadcast.mockImplementation(async () => broadcast('b-new', { status: 'sending' }));
  m.broadcasts.mockResolvedValue([]);
  m.cancelBroadcast.mockImplementation(async () => broadcast('b-1', { status: 'cancelled' }));
});

describe('the broadcasts screen', () => {
  it('shows the forecast before sending, and sends to the segment chosen', async () => {
    render(<BroadcastsScreen />);
    await userEvent.type(await screen.findByTestId('broadcast-text'), '春季新品上市');
    await userEvent.click(screen.getByTestId('broadcast-audience-segment'));
    await userEvent.type(screen.getByTestId('broadcast-tags-any'), 'VIP, 燕麦');
    await userEvent.click(screen.getByTestId('broadcast-platform-wechat'));
    await userEvent.click(screen.getByTestId('broadcast-reply-window'));
    // The segment's size, from the cache, for the filter as edited.
    await waitFor(() =>
      expect(m.segmentCounts).toHaveBeenLastCalledWith('acc-1', {
        tags_any: ['VIP', '燕麦'],
        tags_all: [],
        platforms: ['wechat'],
        followed_after: null,
        followed_before: null,
        active_after: null,
        active_before: null,
        wrote_within_reply_window: true,
      }),
    );
    expect((await screen.findByText(/7 位用户，其中 6 位仍在关注/)).textContent).toBeTruthy();

    // Nothing can be sent before the forecast is seen.
    const send = screen.getByTestId('broadcast-send') as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(screen.queryByTestId('broadcast-forecast')).toBeNull();

    await userEvent.click(screen.getByTestId('broadcast-check'));
    const shown = await screen.findByTestId('broadcast-forecast');
    expect(within(shown).getByTestId('broadcast-forecast-total').textContent).toBe('3 位用户会收到。');
    expect(within(shown).getByTestId('broadcast-forecast-wechat').textContent).toBe('微信');
    const cells = ['targeted', 'pending', 'skipped_subscriber_cap', 'skipped_account_cap', 'unreachable'].map(
      (field) => within(shown).getByTestId(`broadcast-forecast-wechat-${field}`).textContent,
    );
    expect(cells).toEqual(['5', '3', '1', '0', '1']);
    const audience = {
      kind: 'segment',
      filter: expect.objectContaining({ tags_any: ['VIP', '燕麦'], platforms: ['wechat'] }) as unknown,
    };
    expect(m.broadcastForecast).toHaveBeenCalledWith('acc-1', audience);
    expect(m.sendBroadcast).not.toHaveBeenCalled();

    await userEvent.click(send);
    await waitFor(() =>
      expect(m.sendBroadcast).toHaveBeenCalledWith('acc-1', { type: 'text', text: '春季新品上市' }, audience, null),
    );
    expect((await screen.findByTestId('broadcast-notice')).textContent).toBe('群发已开始发送。');
    await waitFor(() => expect(m.broadcasts).toHaveBeenCalledTimes(2));
  });

  it('a change of audience asks for the forecast again', async () => {
    render(<BroadcastsScreen />);
    await userEvent.type(await screen.findByTestId('broadcast-text'), '你好');
    await userEvent.click(screen.getByTestId('broadcast-check'));
    await screen.findByTestId('broadcast-forecast');
    expect(m.broadcastForecast).toHaveBeenCalledWith('acc-1', { kind: 'all' });
    await userEvent.click(screen.getByTestId('broadcast-audience-segment'));
    expect(screen.queryByTestId('broadcast-forecast')).toBeNull();
    expect((screen.getByTestId('broadcast-send') as HTMLButtonElement).disabled).toBe(true);
  });

  it('lists broadcasts with their status and counts, and cancels a scheduled one', async () => {
    m.broadcasts.mockResolvedValue([
      broadcast('b-1', { status: 'scheduled', counts: [] }),
      broadcast('b-2', { failures: [{ reason: 'broadcast.text.required', count: 1 }] }),
    ]);
    render(<BroadcastsScreen />);
    const done = await screen.findByTestId('broadcast-b-2');
    expect(within(done).getByTestId('broadcast-status-b-2').textContent).toBe('已完成');
    expect(within(done).getByTestId('broadcast-counts-b-2').textContent).toBe('目标 12 · 已发送 9 · 跳过 2 · 失败 1');
    expect(within(done).getByText('请填写要发送的内容。: 1')).toBeTruthy();
    // Who got it and why the rest did not, per platform; only the counts some platform has.
    const figures = ['targeted', 'sent', 'skipped_subscriber_cap', 'unreachable', 'failed'].map(
      (field) => within(done).getByTestId(`broadcast-result-b-2-wechat-${field}`).textContent,
    );
    expect(figures).toEqual(['12', '9', '1', '1', '1']);
    expect(within(done).queryByTestId('broadcast-result-b-2-wechat-skipped_account_cap')).toBeNull();
    expect(within(done).queryByTestId('broadcast-result-b-2-wechat-pending')).toBeNull();
    expect(within(done).queryByTestId('broadcast-cancel-b-2')).toBeNull();
    expect(screen.getByTestId('broadcast-status-b-1').textContent).toBe('已定时');

    m.broadcasts.mockResolvedValue([broadcast('b-1', { status: 'cancelled', counts: [] })]);
    await userEvent.click(screen.getByTestId('broadcast-cancel-b-1'));
    expect(m.cancelBroadcast).toHaveBeenCalledWith('acc-1', 'b-1');
    await waitFor(() => expect(screen.getByTestId('broadcast-status-b-1').textContent).toBe('已取消'));
    expect(screen.queryByTestId('broadcast-cancel-b-1')).toBeNull();
  });

  it('reads the list again while a broadcast is sending, and stops once none is', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      m.broadcasts.mockResolvedValue([broadcast('b-1', { status: 'sending' })]);
      render(<BroadcastsScreen />);
      await screen.findByTestId('broadcast-b-1');
      const before = m.broadcasts.mock.calls.length;
      m.broadcasts.mockResolvedValue([broadcast('b-1', { status: 'done' })]);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(POLL_MS);
      });
      await waitFor(() => expect(screen.getByTestId('broadcast-status-b-1').textContent).toBe('已完成'));
      expect(m.broadcasts.mock.calls.length).toBe(before + 1);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(POLL_MS * 3);
      });
      expect(m.broadcasts.mock.calls.length).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends a WeChat preview to one OpenID, and says why WeChat refused one', async () => {
    m.previewBroadcast
      .mockResolvedValueOnce(null)
      .mockRejectedValueOnce(
        new AppError('invalid', 'wechat.mass.preview_user', [
          { path: '', key: 'wechat.mass.preview_user', params: [] },
        ]),
      );
    render(<BroadcastsScreen />);
    await userEvent.type(await screen.findByTestId('broadcast-text'), '你好');
    await userEvent.type(screen.getByTestId('broadcast-preview-open-id'), 'o-123');
    await userEvent.click(screen.getByTestId('broadcast-preview'));
    expect(m.previewBroadcast).toHaveBeenCalledWith('acc-1', { type: 'text', text: '你好' }, 'o-123');
    expect((await screen.findByTestId('broadcast-preview-outcome')).textContent).toBe('微信已发送预览。');
    await userEvent.click(screen.getByTestId('broadcast-preview'));
    await waitFor(() =>
      expect(screen.getByTestId('broadcast-preview-outcome').textContent).toBe(
        '该微信用户未关注此账号，无法接收预览。',
      ),
    );
    expect(m.sendBroadcast).not.toHaveBeenCalled();
  });

  it('shows a refusal in words', async () => {
    m.sendBroadcast.mockRejectedValueOnce(
      new AppError('invalid', 'send_at: broadcast.schedule.past', [
        { path: 'send_at', key: 'broadcast.schedule.past', params: [] },
      ]),
    );
    m.cancelBroadcast.mockRejectedValueOnce(new AppError('offline', 'no server', []));
    m.broadcasts.mockResolvedValue([broadcast('b-1', { status: 'scheduled' })]);
    render(<BroadcastsScreen />);
    await userEvent.type(await screen.findByTestId('broadcast-text'), '你好');
    await userEvent.click(screen.getByTestId('broadcast-check'));
    await screen.findByTestId('broadcast-forecast');
    await userEvent.click(screen.getByTestId('broadcast-send'));
    expect((await screen.findByTestId('broadcast-error')).textContent).toBe(
      '发送时间已过，请选择更晚的时间或立即发送。',
    );
    await userEvent.click(screen.getByTestId('broadcast-cancel-b-1'));
    expect((await screen.findByTestId('broadcast-cancel-error')).textContent).toBe('无法连接到服务器。');
  });

  it('shows the message in the phone as WeChat shows it, or as Alipay does', async () => {
    render(<BroadcastsScreen />);
    const phone = await screen.findByTestId('broadcast-phone-frame');
    expect(phone.getAttribute('data-look')).toBe('wechat');
    expect(within(phone).getByTestId('chat-bubble').textContent).toContain('消息内容会显示在这里。');
    await userEvent.type(screen.getByTestId('broadcast-text'), '会员日：第二杯半价');
    expect(within(phone).getByTestId('chat-bubble').textContent).toContain('会员日：第二杯半价');
    await userEvent.click(screen.getByTestId('broadcast-look-alipay'));
    expect(screen.getByTestId('broadcast-phone-frame').getAttribute('data-look')).toBe('alipay');
    expect(screen.getByTestId('broadcast-phone-frame').className).toContain('is-alipay');
    expect(screen.getByTestId('broadcast-look-alipay').getAttribute('aria-pressed')).toBe('true');
  });

  it('shows a running broadcast’s progress from the live feed, and reads the list again when it is done', async () => {
    const counts = (pending: number, sent: number) => [
      { ...forecast.counts[0]!, targeted: 5, pending, sent, skipped_subscriber_cap: 1, unreachable: 0 },
    ];
    m.broadcasts.mockResolvedValue([broadcast('b-1', { status: 'sending', planned: false, counts: counts(4, 0) })]);
    render(<BroadcastsScreen />);
    const bar = await screen.findByTestId('broadcast-progress-b-1');
    expect(bar.textContent).toBe('已处理 1 / 5，仍在确定接收者');
    const progress = { account_id: 'acc-1', broadcast_id: 'b-1', status: 'sending' as const, failures: [] };
    emitBroadcastProgress({ ...progress, planned: true, counts: counts(1, 3) });
    await waitFor(() => expect(screen.getByTestId('broadcast-progress-b-1').textContent).toBe('已处理 4 / 5'));
    expect(screen.getByTestId('broadcast-result-b-1-wechat-sent').textContent).toBe('3');
    // Another account's broadcast is not this list's.
    emitBroadcastProgress({ ...progress, account_id: 'acc-2', planned: true, counts: counts(0, 4) });
    expect(screen.getByTestId('broadcast-progress-b-1').textContent).toBe('已处理 4 / 5');

    const reads = m.broadcasts.mock.calls.length;
    m.broadcasts.mockResolvedValue([broadcast('b-1', { status: 'done', counts: counts(0, 4) })]);
    emitBroadcastProgress({ ...progress, status: 'done', planned: true, counts: counts(0, 4) });
    await waitFor(() => expect(m.broadcasts.mock.calls.length).toBeGreaterThan(reads));
    await waitFor(() => expect(screen.getByTestId('broadcast-status-b-1').textContent).toBe('已完成'));
    expect(screen.queryByTestId('broadcast-progress-b-1')).toBeNull();
  });

  it('sends an article card, shown as a card in the phone', async () => {
    render(<BroadcastsScreen />);
    await userEvent.click(await screen.findByTestId('broadcast-kind-article'));
    expect(screen.queryByTestId('broadcast-text')).toBeNull();
    await userEvent.type(screen.getByTestId('broadcast-article-title'), '春季新品');
    await userEvent.type(screen.getByTestId('broadcast-article-description'), '燕麦拿铁第二杯半价');
    await userEvent.click(screen.getByTestId('broadcast-check'));
    await screen.findByTestId('broadcast-forecast');
    const send = screen.getByTestId('broadcast-send') as HTMLButtonElement;
    // A card needs its link before it can go.
    expect(send.disabled).toBe(true);
    await userEvent.type(screen.getByTestId('broadcast-article-url'), 'https://shop.example/spring');
    const bubble = within(screen.getByTestId('broadcast-phone-frame')).getByTestId('chat-bubble');
    expect(bubble.textContent).toContain('春季新品');
    expect(bubble.textContent).toContain('燕麦拿铁第二杯半价');
    expect(send.disabled).toBe(false);
    await userEvent.click(send);
    await waitFor(() =>
      expect(m.sendBroadcast).toHaveBeenCalledWith(
        'acc-1',
        {
          type: 'article',
          title: '春季新品',
          description: '燕麦拿铁第二杯半价',
          url: 'https://shop.example/spring',
          image_url: '',
        },
        { kind: 'all' },
        null,
      ),
    );
  });
});
