import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlipayPartPublish } from '../../platform';
import { platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { ALIPAY_HOME_POLL_MS, AlipayHomeStatus } from './AlipayHomeStatus';
import { AlipayImportDialog } from './AlipayImportDialog';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

function part(overrides: Partial<AlipayPartPublish> & Pick<AlipayPartPublish, 'part'>): AlipayPartPublish {
  return {
    version: 3,
    state: 'published',
    at: 1_700_000_000_000,
    code: null,
    reason: null,
    message: null,
    ...overrides,
  };
}

const refusedSlots = part({
  part: 'marketing_slots',
  state: 'refused',
  code: 'TOPIC_ITEMS_OUT_OF_LIMIT',
  reason: 'alipay.home.invalid',
  message: 'Business Failed: 营销位内容数量不合法',
});

const home = [
  part({ part: 'menu' }),
  part({ part: 'extension_areas' }),
  part({ part: 'advert_carousel', state: 'removed' }),
  refusedSlots,
];

beforeEach(() => resetPlatformMocks());

describe("the designer's Alipay home page line", () => {
  it('says per part what Alipay did, in the staff’s language, with a Retry only for the refused part', async () => {
    m.alipayHome.mockResolvedValue(home);
    render(<AlipayHomeStatus accountId="tea" version={3} canRetry onImport={null} />);
    expect((await screen.findByTestId('alipay-part-menu')).textContent).toBe('底部菜单：已发布');
    expect(screen.getByTestId('alipay-part-extension_areas').textContent).toBe('扩展区：已发布');
    expect(screen.getByTestId('alipay-part-advert_carousel').textContent).toContain('已从支付宝移除');
    const slots = screen.getByTestId('alipay-part-marketing_slots');
    expect(slots.textContent).toContain(
      '营销位：支付宝拒绝了主页的这一部分：有取值不符合其要求。（TOPIC_ITEMS_OUT_OF_LIMIT）',
    );
    expect(slots.getAttribute('title'), "Alipay's own words in the tooltip").toContain('营销位内容数量不合法');
    expect(screen.getAllByRole('button').map((b) => b.getAttribute('data-testid'))).toEqual([
      'alipay-retry-marketing_slots',
    ]);
    expect(m.alipayHome).toHaveBeenCalledWith('tea');
  });

  it('publishes a refused part again on Retry, and the part says published', async () => {
    m.alipayHome.mockResolvedValue(home);
    m.retryAlipayPart.mockResolvedValue(part({ part: 'marketing_slots', at: 1_700_000_100_000 }));
    render(<AlipayHomeStatus accountId="tea" version={3} canRetry onImport={null} />);
    await userEvent.click(await screen.findByTestId('alipay-retry-marketing_slots'));
    expect(m.retryAlipayPart).toHaveBeenCalledWith('tea', 'marketing_slots');
    await waitFor(() => expect(screen.getByTestId('alipay-part-marketing_slots').textContent).toBe('营销位：已发布'));
    expect(screen.queryByTestId('alipay-retry-marketing_slots')).toBeNull();
    expect(screen.getByTestId('alipay-part-menu').textContent, 'the other parts stay').toBe('底部菜单：已发布');
  });

  it('says why a retry could not be sent, and keeps the Retry', async () => {
    m.alipayHome.mockResolvedValue([
      part({ part: 'menu', state: 'failed', reason: 'platform.call.unavailable', message: 'timed out' }),
    ]);
    m.retryAlipayPart.mockRejectedValue({ code: 'offline', message: 'no server', issues: [] });
    render(<AlipayHomeStatus accountId="tea" version={3} canRetry onImport={null} />);
    expect((await screen.findByTestId('alipay-part-menu')).textContent).toContain('尚未发布到支付宝');
    await userEvent.click(screen.getByTestId('alipay-retry-menu'));
    expect(await screen.findByTestId('alipay-retry-error-menu')).toBeTruthy();
    expect(screen.getByTestId('alipay-retry-menu')).toBeTruthy();
  });

  it('waits for the version just published, shows no Retry to readers, and nothing without a connection', async () => {
    m.alipayHome.mockResolvedValueOnce(home).mockResolvedValue(home.map((p) => ({ ...p, version: 4 })));
    const { unmount } = render(<AlipayHomeStatus accountId="tea" version={4} canRetry={false} onImport={null} />);
    expect(await screen.findByTestId('alipay-home-waiting')).toBeTruthy();
    expect(
      screen.queryByTestId('alipay-part-menu'),
      "the last version's outcome is not shown as this one's",
    ).toBeNull();
    await waitFor(() => expect(screen.getByTestId('alipay-part-marketing_slots')).toBeTruthy(), { timeout: 3000 });
    expect(screen.queryByTestId('alipay-retry-marketing_slots')).toBeNull();
    unmount();

    m.alipayHome.mockRejectedValue({ code: 'not_found', message: 'no connection', issues: [] });
    render(<AlipayHomeStatus accountId="tea" version={4} canRetry onImport={() => undefined} />);
    await waitFor(() => expect(m.alipayHome).toHaveBeenCalledTimes(3));
    expect(screen.queryByTestId('alipay-home')).toBeNull();
  });

  it('stops saying it is publishing when the version published uses no part of the home page', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      m.alipayHome.mockResolvedValue([]);
      render(<AlipayHomeStatus accountId="tea" version={5} canRetry onImport={() => undefined} />);
      expect(await screen.findByTestId('alipay-home-waiting')).toBeTruthy();
      await vi.advanceTimersByTimeAsync(ALIPAY_HOME_POLL_MS * 31);
      await waitFor(() => expect(screen.queryByTestId('alipay-home-waiting')).toBeNull());
      expect(screen.getByTestId('alipay-import'), 'the import stays offered').toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers "Import from Alipay", which reads the live home page and says what it left out', async () => {
    m.alipayHome.mockResolvedValue([]);
    const onImport = vi.fn();
    render(<AlipayHomeStatus accountId="tea" version={null} canRetry onImport={onImport} />);
    await userEvent.click(await screen.findByTestId('alipay-import'));
    expect(onImport).toHaveBeenCalled();

    const live = {
      layout: {
        modules: [
          {
            id: 'alipay_ext_1',
            kind: 'extension_area',
            props: { name: '会员', url: 'https://example.com/a', height: 300 },
          },
        ],
        menu: {
          items: [
            {
              id: 'm1',
              label: '官网',
              target: { type: 'action', action: { type: 'url', url: 'https://example.com/' } },
            },
          ],
        },
        pages: [],
      },
      notices: [
        { path: 'areas.1.type', key: 'alipay.import.area_not_h5', params: [['type', 'native']] as [string, string][] },
      ],
    };
    m.liveAlipayHome.mockResolvedValue(live);
    const onUse = vi.fn();
    render(<AlipayImportDialog accountId="tea" onUse={onUse} onClose={() => undefined} />);
    const read = await screen.findByTestId('alipay-import-read');
    expect(read.textContent).toContain('1 个菜单按钮、1 个主页模块');
    expect(read.textContent).toContain('类型为“native”的扩展区未导入');
    await userEvent.click(screen.getByTestId('alipay-import-use'));
    expect(onUse).toHaveBeenCalledWith(live);
  });

  it('says why the live home page could not be read, and reads again', async () => {
    m.liveAlipayHome.mockRejectedValueOnce({
      code: 'offline',
      message: 'Alipay did not give the live home page',
      issues: [],
    });
    render(<AlipayImportDialog accountId="tea" onUse={() => undefined} onClose={() => undefined} />);
    expect(await screen.findByTestId('alipay-import-error')).toBeTruthy();
    m.liveAlipayHome.mockResolvedValue({ layout: { modules: [], menu: { items: [] }, pages: [] }, notices: [] });
    await userEvent.click(screen.getByTestId('alipay-import-again'));
    expect((await screen.findByTestId('alipay-import-read')).textContent).toContain('0 个菜单按钮');
  });
});
