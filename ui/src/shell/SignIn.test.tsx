import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { AppError } from '../platform';
import { localSession, platformMocks as m, resetPlatformMocks } from '../test/platformMock';
import { App } from './App';
import { SignIn } from './SignIn';

vi.mock('../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../platform')>()),
  ...(await import('../test/platformMock')).platformMocks,
}));

beforeEach(() => resetPlatformMocks());

async function fillTeam() {
  await userEvent.type(screen.getByTestId('team-url'), 'https://wicket.example.com');
  await userEvent.type(screen.getByTestId('team-login'), 'mei');
  await userEvent.type(screen.getByTestId('team-password'), 'wrong');
  await userEvent.click(screen.getByTestId('team-sign-in'));
}

describe('sign-in', () => {
  it('translates an unauthorized error', async () => {
    m.signIn.mockRejectedValue(new AppError('unauthorized', 'bad credentials'));
    const onSignedIn = vi.fn();
    render(<SignIn onSignedIn={onSignedIn} />);
    await fillTeam();

    expect(m.signIn).toHaveBeenCalledWith('https://wicket.example.com', 'mei', 'wrong');
    expect((await screen.findByTestId('sign-in-error')).textContent).toBe('登录名或密码不正确。');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect((screen.getByTestId('team-login') as HTMLInputElement).value).toBe('mei');
  });

  it('translates offline in English, and shows the message for other codes', async () => {
    await i18n.changeLanguage('en');
    m.signIn.mockRejectedValueOnce(new AppError('offline', 'connect refused'));
    render(<SignIn onSignedIn={vi.fn()} />);
    await fillTeam();
    expect((await screen.findByTestId('sign-in-error')).textContent).toBe(
      'Cannot reach the server. Check the address and your network.',
    );

    m.signIn.mockRejectedValueOnce(new AppError('internal', 'TLS handshake failed'));
    await userEvent.click(screen.getByTestId('team-sign-in'));
    await waitFor(() => expect(screen.getByTestId('sign-in-error').textContent).toBe('TLS handshake failed'));
  });

  it('warns before signing in to a plain http server elsewhere, and goes on only when asked', async () => {
    const warning = new AppError('invalid', 'plain http', [
      { path: 'server_url', key: 'sign_in.server_url.plain_http', params: [['host', '192.168.1.20']] },
    ]);
    m.signIn.mockRejectedValueOnce(warning);
    const onSignedIn = vi.fn();
    render(<SignIn onSignedIn={onSignedIn} />);
    await fillTeam();
    expect(m.signIn).toHaveBeenLastCalledWith('https://wicket.example.com', 'mei', 'wrong');
    const shown = await screen.findByTestId('sign-in-plain-http');
    expect(shown.textContent).toContain('192.168.1.20 使用未加密的 http:// 连接');
    expect(screen.queryByTestId('sign-in-error')).toBeNull();
    expect(onSignedIn).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId('sign-in-plain-http-anyway'));
    expect(m.signIn).toHaveBeenLastCalledWith('https://wicket.example.com', 'mei', 'wrong', true);
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
  });

  it('starts local mode with the typed name', async () => {
    const onSignedIn = vi.fn();
    render(<SignIn onSignedIn={onSignedIn} />);
    expect((screen.getByTestId('start-local') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(screen.getByTestId('local-name'), '  李梅 ');
    await userEvent.click(screen.getByTestId('start-local'));
    expect(m.startLocal).toHaveBeenCalledWith('李梅');
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(localSession));
  });
});

describe('app start', () => {
  it('uses the saved language and shows sign-in when nobody is signed in', async () => {
    m.language.mockResolvedValue('en');
    m.session.mockResolvedValue({ mode: 'local', server_url: null, user: null });
    render(<App />);
    expect(await screen.findByText('Work on this computer')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
  });

  it('falls back to Chinese and opens the console for a signed-in user', async () => {
    m.language.mockRejectedValue(new AppError('storage', 'no settings'));
    render(<App />);
    expect((await screen.findByTestId('nav-accounts')).textContent).toBe('账号');
    expect(screen.getByTestId('user-name').textContent).toBe('李梅');
  });
});
