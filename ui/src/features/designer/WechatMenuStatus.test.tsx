import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WechatMenuPublish } from '../../platform';
import { platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { WechatMenuStatus } from './WechatMenuStatus';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

function outcome(overrides: Partial<WechatMenuPublish> = {}): WechatMenuPublish {
  return {
    version: 3,
    state: 'published',
    at: 1_700_000_000_000,
    errcode: null,
    reason: null,
    message: null,
    ...overrides,
  };
}

const refused = outcome({
  state: 'refused',
  errcode: 40016,
  reason: 'wechat.menu.too_many_buttons',
  message: 'invalid button size',
});

beforeEach(() => resetPlatformMocks());

describe("the designer's WeChat menu line", () => {
  it('says the menu is published to WeChat, with no Retry', async () => {
    m.wechatMenu.mockResolvedValue(outcome());
    render(<WechatMenuStatus accountId="noodles" version={3} canRetry />);
    expect((await screen.findByTestId('wechat-menu-state')).textContent).toContain('已发布到微信');
    expect(screen.queryByTestId('wechat-menu-retry')).toBeNull();
    expect(m.wechatMenu).toHaveBeenCalledWith('noodles');
  });

  it("shows WeChat's reason for a refusal, and Retry sends the menu again", async () => {
    m.wechatMenu.mockResolvedValue(refused);
    m.retryWechatMenu.mockResolvedValue(outcome({ at: 1_700_000_100_000 }));
    render(<WechatMenuStatus accountId="noodles" version={3} canRetry />);
    const line = await screen.findByTestId('wechat-menu-state');
    expect(line.textContent).toContain('微信拒绝了菜单：按钮太多');
    expect(line.textContent).toContain('40016');
    await userEvent.click(screen.getByTestId('wechat-menu-retry'));
    expect(m.retryWechatMenu).toHaveBeenCalledWith('noodles');
    await waitFor(() => expect(screen.getByTestId('wechat-menu-state').textContent).toContain('已发布到微信'));
    expect(screen.queryByTestId('wechat-menu-retry')).toBeNull();
  });

  it('says why a retry could not be sent', async () => {
    m.wechatMenu.mockResolvedValue(
      outcome({ state: 'failed', reason: 'platform.call.unavailable', message: 'timed out' }),
    );
    m.retryWechatMenu.mockRejectedValue({ code: 'offline', message: 'no server', issues: [] });
    render(<WechatMenuStatus accountId="noodles" version={3} canRetry />);
    await userEvent.click(await screen.findByTestId('wechat-menu-retry'));
    expect(await screen.findByTestId('wechat-menu-error')).toBeTruthy();
  });

  it('shows nothing for another version, without a connection, and no Retry for readers', async () => {
    m.wechatMenu.mockResolvedValue(refused);
    const { unmount } = render(<WechatMenuStatus accountId="noodles" version={4} canRetry />);
    await waitFor(() => expect(m.wechatMenu).toHaveBeenCalled());
    expect(screen.queryByTestId('wechat-menu-state')).toBeNull();
    unmount();

    render(<WechatMenuStatus accountId="noodles" version={3} canRetry={false} />);
    expect(await screen.findByTestId('wechat-menu-state')).toBeTruthy();
    expect(screen.queryByTestId('wechat-menu-retry')).toBeNull();
  });

  it('shows nothing when the account is not connected', async () => {
    m.wechatMenu.mockRejectedValue({ code: 'not_found', message: 'no connection', issues: [] });
    render(<WechatMenuStatus accountId="noodles" version={3} canRetry />);
    await waitFor(() => expect(m.wechatMenu).toHaveBeenCalled());
    expect(screen.queryByTestId('wechat-menu-state')).toBeNull();
  });
});
