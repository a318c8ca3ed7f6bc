import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type WechatConnection } from '../../platform';
import { accountItem, localSession, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { AccountSettingsDialog } from './AccountSettingsDialog';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

beforeEach(() => resetPlatformMocks());

const account = accountItem({ platform: 'wechat' }).account;
const URL = `https://wicket.example.com/wechat/${account.id}`;

const saved: WechatConnection = {
  app_id: 'wx5823bf96d3bd56c7',
  app_secret: '••••••••4f50',
  token: '••••••••oken',
  encoding_aes_key: '••••••••B2C',
  has_previous_key: false,
  mode: 'safe',
  callback_path: `/wechat/${account.id}`,
  state: { last_callback_at: null, last_error: null, last_error_at: null, token_valid_until: null },
};

const open = () =>
  render(<AccountSettingsDialog account={account} onClose={() => undefined} onSaved={() => undefined} />);

describe('WeChat connection', () => {
  it('shows saved secrets masked and sends only the one replaced', async () => {
    m.wechatConnection.mockResolvedValue({ connection: saved, callback_url: URL });
    m.connectWechat.mockResolvedValue({ connection: { ...saved, app_secret: '••••••••9999' }, callback_url: URL });
    open();
    const secret = (await screen.findByTestId('wechat-masked-app_secret')) as HTMLInputElement;
    expect(secret.value).toBe('••••••••4f50');
    expect(secret.readOnly).toBe(true);
    expect((screen.getByTestId('wechat-callback-url') as HTMLInputElement).value).toBe(URL);
    expect((screen.getByTestId('wechat-app_id') as HTMLInputElement).value).toBe('wx5823bf96d3bd56c7');

    await userEvent.click(screen.getByTestId('wechat-replace-app_secret'));
    const typed = screen.getByTestId('wechat-app_secret') as HTMLInputElement;
    expect(typed.value, 'a saved secret is never filled back in').toBe('');
    await userEvent.type(typed, 'newsecret0000000000000000009999');
    await userEvent.click(screen.getByTestId('wechat-save'));
    await screen.findByTestId('wechat-saved');
    expect(m.connectWechat).toHaveBeenCalledWith(account.id, {
      app_id: 'wx5823bf96d3bd56c7',
      app_secret: 'newsecret0000000000000000009999',
      token: null,
      encoding_aes_key: null,
      mode: 'safe',
    });
    expect((screen.getByTestId('wechat-masked-app_secret') as HTMLInputElement).value).toBe('••••••••9999');
  });

  it('puts the server’s refusal under the field it names', async () => {
    m.connectWechat.mockRejectedValue(
      new AppError('invalid', 'bad', [
        { path: 'app_id', key: 'wechat.app_id.invalid', params: [] },
        { path: 'encoding_aes_key', key: 'wechat.secret.required', params: [] },
      ]),
    );
    open();
    await userEvent.type(await screen.findByTestId('wechat-app_id'), 'wx123');
    await userEvent.click(screen.getByTestId('wechat-save'));
    expect((await screen.findByTestId('wechat-error-app_id')).textContent).toBe(
      'AppID 由 "wx" 和 16 位十六进制字符组成。',
    );
    expect(screen.getByTestId('wechat-error-encoding_aes_key')).toBeTruthy();
    expect(screen.getByTestId('wechat-app_id').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('wechat-error-app_secret')).toBeNull();
    expect(screen.queryByTestId('wechat-failure')).toBeNull();
  });

  it('says what WeChat answered to the test: a refusal with its code and reason, then a token', async () => {
    m.wechatConnection.mockResolvedValue({ connection: saved, callback_url: URL });
    m.testWechat.mockResolvedValueOnce({
      ok: false,
      errcode: 40125,
      message: 'invalid appsecret',
      token_valid_until: null,
    });
    open();
    await userEvent.click(await screen.findByTestId('wechat-test'));
    const refused = await screen.findByTestId('wechat-test-result');
    expect(refused.textContent).toContain('40125');
    expect(refused.textContent).toContain('AppSecret 不正确');

    m.testWechat.mockResolvedValueOnce({
      ok: true,
      errcode: null,
      message: 'ok',
      token_valid_until: 1_700_000_000_000,
    });
    m.wechatConnection.mockResolvedValue({
      connection: { ...saved, state: { ...saved.state, token_valid_until: 1_700_000_000_000 } },
      callback_url: URL,
    });
    await userEvent.click(screen.getByTestId('wechat-test'));
    await waitFor(() => expect(screen.getByTestId('wechat-test-result').textContent).toContain('access_token'));
    await waitFor(() => expect(screen.getByTestId('wechat-token-valid-until').textContent).toContain('2023'));
  });

  it('is for owners and administrators, and needs the server', async () => {
    m.session.mockResolvedValue({ ...localSession, permissions: ['answer_subscribers', 'read'] });
    const { unmount } = open();
    expect((await screen.findByTestId('wechat-notAllowed')).textContent).toContain('所有者或管理员');
    expect(m.wechatConnection).not.toHaveBeenCalled();
    unmount();

    m.session.mockResolvedValue(localSession);
    m.wechatConnection.mockRejectedValue(new AppError('offline', 'cannot reach the server'));
    open();
    expect((await screen.findByTestId('wechat-offline')).textContent).toContain('服务器');
  });

  it('is not shown for an Alipay account', async () => {
    render(
      <AccountSettingsDialog
        account={accountItem({ platform: 'alipay' }).account}
        onClose={() => undefined}
        onSaved={() => undefined}
      />,
    );
    await screen.findByTestId('settings-reply.daily_cap');
    expect(screen.queryByTestId('wechat-connection')).toBeNull();
  });
});
