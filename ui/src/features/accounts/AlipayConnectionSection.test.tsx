import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type AlipayConnection } from '../../platform';
import { accountItem, localSession, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { AccountSettingsDialog } from './AccountSettingsDialog';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

beforeEach(() => resetPlatformMocks());

const account = accountItem({ platform: 'alipay' }).account;
const URL = `https://wicket.example.com/alipay/${account.id}`;
const PRIVATE_KEY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCtypedprivatekey';
const ALIPAY_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtypedalipaykey';

const saved: AlipayConnection = {
  app_id: '2021000000000001',
  app_private_key: '••••••••••••ab12',
  alipay_public_key: '••••••••••••IDAQ',
  app_public_key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAapppublickeyIDAQAB',
  charset: 'utf-8',
  gateway_path: `/alipay/${account.id}`,
  state: { last_callback_at: null, last_error: null, last_error_at: null },
};

const open = (item = account) =>
  render(<AccountSettingsDialog account={item} onClose={() => undefined} onSaved={() => undefined} />);

describe('Alipay connection', () => {
  it('connects: sends what was typed, then shows the keys masked, the key to upload and the gateway URL', async () => {
    m.alipayConnection.mockResolvedValue({ connection: null, gateway_url: URL });
    m.connectAlipay.mockResolvedValue({ connection: saved, gateway_url: URL });
    open();
    expect(((await screen.findByTestId('alipay-gateway-url')) as HTMLInputElement).value).toBe(URL);
    expect(screen.getByTestId('alipay-app-public-key-later').textContent).toContain('保存后显示');
    await userEvent.type(screen.getByTestId('alipay-app_id'), '2021000000000001');
    await userEvent.type(screen.getByTestId('alipay-app_private_key'), PRIVATE_KEY);
    await userEvent.type(screen.getByTestId('alipay-alipay_public_key'), ALIPAY_KEY);
    await userEvent.click(screen.getByTestId('alipay-charset-gbk'));
    await userEvent.click(screen.getByTestId('alipay-save'));
    await screen.findByTestId('alipay-saved');
    expect(m.connectAlipay).toHaveBeenCalledWith(account.id, {
      app_id: '2021000000000001',
      app_private_key: PRIVATE_KEY,
      alipay_public_key: ALIPAY_KEY,
      charset: 'gbk',
    });
    expect(screen.getByTestId('alipay-masked-app_private_key').textContent).toContain('••••••••••••ab12');
    const box = screen.getByTestId('alipay-app_private_key') as HTMLTextAreaElement;
    expect(box.value, 'a saved key is never filled back in').toBe('');
    expect(box.placeholder).toContain('留空');
    expect((screen.getByTestId('alipay-app-public-key') as HTMLTextAreaElement).value).toBe(saved.app_public_key);
    expect(screen.getByTestId('alipay-copy-key')).toBeTruthy();
    expect(screen.getByTestId('alipay-copy-url')).toBeTruthy();
  });

  it('keeps a saved key left empty, and sends only the one replaced', async () => {
    m.alipayConnection.mockResolvedValue({ connection: saved, gateway_url: URL });
    m.connectAlipay.mockResolvedValue({
      connection: { ...saved, alipay_public_key: '••••••••••••9999' },
      gateway_url: URL,
    });
    open();
    await userEvent.type(await screen.findByTestId('alipay-alipay_public_key'), ALIPAY_KEY);
    await userEvent.click(screen.getByTestId('alipay-save'));
    await screen.findByTestId('alipay-saved');
    expect(m.connectAlipay).toHaveBeenCalledWith(account.id, {
      app_id: '2021000000000001',
      app_private_key: null,
      alipay_public_key: ALIPAY_KEY,
      charset: 'utf-8',
    });
    expect(screen.getByTestId('alipay-masked-alipay_public_key').textContent).toContain('9999');
  });

  it('puts a malformed key’s refusal under its field with the server’s reason, and loses nothing typed', async () => {
    m.connectAlipay.mockRejectedValue(
      new AppError('invalid', 'bad key', [{ path: 'app_private_key', key: 'alipay.key.not_rsa', params: [] }]),
    );
    open();
    await userEvent.type(await screen.findByTestId('alipay-app_id'), '2021000000000001');
    await userEvent.type(screen.getByTestId('alipay-app_private_key'), 'not a key');
    await userEvent.type(screen.getByTestId('alipay-alipay_public_key'), ALIPAY_KEY);
    await userEvent.click(screen.getByTestId('alipay-save'));
    expect((await screen.findByTestId('alipay-error-app_private_key')).textContent).toBe(
      '这不是 PKCS#1 或 PKCS#8 格式的 RSA 密钥。',
    );
    expect(screen.getByTestId('alipay-app_private_key').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('alipay-error-alipay_public_key')).toBeNull();
    expect(screen.queryByTestId('alipay-failure')).toBeNull();
    expect((screen.getByTestId('alipay-app_id') as HTMLInputElement).value).toBe('2021000000000001');
    expect((screen.getByTestId('alipay-app_private_key') as HTMLTextAreaElement).value).toBe('not a key');
    expect((screen.getByTestId('alipay-alipay_public_key') as HTMLTextAreaElement).value).toBe(ALIPAY_KEY);

    // Another failure (no server) keeps it all too, and says why.
    m.connectAlipay.mockRejectedValue(new AppError('offline', 'cannot reach the server'));
    await userEvent.click(screen.getByTestId('alipay-save'));
    expect(await screen.findByTestId('alipay-failure')).toBeTruthy();
    expect((screen.getByTestId('alipay-app_private_key') as HTMLTextAreaElement).value).toBe('not a key');
  });

  it('says what Alipay answered to the test: a refusal with its codes, then a verified answer, and the state', async () => {
    m.alipayConnection.mockResolvedValue({ connection: saved, gateway_url: URL });
    m.testAlipay.mockResolvedValueOnce({
      ok: false,
      method: 'alipay.open.public.info.query',
      code: '40002',
      sub_code: 'isv.invalid-signature',
      message: 'Invalid Arguments: 验签出错',
    });
    open();
    await userEvent.click(await screen.findByTestId('alipay-test'));
    const refused = await screen.findByTestId('alipay-test-result');
    expect(refused.textContent).toContain('40002 isv.invalid-signature');
    expect(refused.textContent).toContain('验签出错');

    // Wicket's own words (an answer not believed) come as a key, shown in the reader's language.
    m.testAlipay.mockResolvedValueOnce({
      ok: false,
      method: 'alipay.open.public.info.query',
      code: null,
      sub_code: null,
      message: 'alipay.call.unverified',
    });
    await userEvent.click(screen.getByTestId('alipay-test'));
    await waitFor(() => expect(screen.getByTestId('alipay-test-result').textContent).toContain('因此未予采信'));
    expect(screen.getByTestId('alipay-test-result').textContent).not.toContain('alipay.call');

    m.testAlipay.mockResolvedValueOnce({
      ok: true,
      method: 'alipay.open.public.info.query',
      code: '10000',
      sub_code: null,
      message: 'Alipay answered Success (signature verified)',
    });
    m.alipayConnection.mockResolvedValue({
      connection: {
        ...saved,
        state: {
          ...saved.state,
          last_callback_at: 1_700_000_000_000,
          last_error: 'alipay.gateway.unverified',
          last_error_at: 1_700_000_100_000,
        },
      },
      gateway_url: URL,
    });
    await userEvent.click(screen.getByTestId('alipay-test'));
    await waitFor(() =>
      expect(screen.getByTestId('alipay-test-result').textContent).toContain('应答签名与支付宝公钥相符'),
    );
    await waitFor(() => expect(screen.getByTestId('alipay-last-callback').textContent).toContain('2023'));
    expect(screen.getByTestId('alipay-last-error').textContent).toContain('其签名与支付宝公钥不符');
    expect(screen.getByTestId('alipay-last-error').textContent).not.toContain('alipay.gateway');
  });

  it('disconnects only once confirmed', async () => {
    m.alipayConnection.mockResolvedValue({ connection: saved, gateway_url: URL });
    open();
    await userEvent.click(await screen.findByTestId('alipay-disconnect'));
    expect(screen.getByTestId('alipay-disconnect-question').textContent).toContain('删除两把密钥');
    await userEvent.click(screen.getByTestId('alipay-disconnect-cancel'));
    expect(m.disconnectAlipay).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId('alipay-disconnect'));
    await userEvent.click(screen.getByTestId('alipay-disconnect-confirm'));
    expect(m.disconnectAlipay).toHaveBeenCalledWith(account.id);
    expect((await screen.findByTestId('alipay-saved')).textContent).toContain('已断开');
    expect(screen.queryByTestId('alipay-masked-app_private_key')).toBeNull();
    expect((screen.getByTestId('alipay-test') as HTMLButtonElement).disabled).toBe(true);
  });

  it('is for owners and administrators, needs the server, and is not shown for a WeChat account', async () => {
    m.session.mockResolvedValue({ ...localSession, permissions: ['answer_subscribers', 'read'] });
    const { unmount } = open();
    expect((await screen.findByTestId('alipay-notAllowed')).textContent).toContain('所有者或管理员');
    expect(m.alipayConnection).not.toHaveBeenCalled();
    unmount();

    m.session.mockResolvedValue(localSession);
    m.alipayConnection.mockRejectedValue(new AppError('offline', 'cannot reach the server'));
    const again = open();
    expect((await screen.findByTestId('alipay-offline')).textContent).toContain('服务器');
    again.unmount();

    open(accountItem({ platform: 'wechat' }).account);
    await screen.findByTestId('wechat-connection');
    expect(screen.queryByTestId('alipay-connection')).toBeNull();
  });
});
