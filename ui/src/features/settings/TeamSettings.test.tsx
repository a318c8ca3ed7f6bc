import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type Session, type StaffUser } from '../../platform';
import { localSession, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { SettingsScreen } from './Settings';
import { TeamSettings } from './TeamSettings';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const owner: StaffUser = { id: 'u1', login: 'mei', display_name: '李梅', role: 'owner' };
const agent: StaffUser = { id: 'u2', login: 'xiaoli', display_name: '小李', role: 'agent' };
const admin: StaffUser = { id: 'u3', login: 'wang', display_name: '王经理', role: 'admin' };
const teamSession: Session = { ...localSession, mode: 'team', server_url: 'https://wicket.example.com', user: owner };

beforeEach(() => {
  resetPlatformMocks();
  m.team.mockResolvedValue([owner, agent]);
});

const rowOf = (login: string) =>
  screen.getAllByTestId('team-row').find((row) => row.getAttribute('data-login') === login)!;

describe('the team in Settings', () => {
  it('is shown only to a role that manages staff', async () => {
    const { unmount } = render(<SettingsScreen session={teamSession} user={owner} onError={vi.fn()} />);
    expect(await screen.findByTestId('settings-team')).toBeTruthy();
    unmount();
    const agentSession: Session = { ...teamSession, user: agent, permissions: ['answer_subscribers', 'read'] };
    render(<SettingsScreen session={agentSession} user={agent} onError={vi.fn()} />);
    expect(screen.queryByTestId('settings-team')).toBeNull();
    expect(m.team).toHaveBeenCalledTimes(1);
  });

  it('adds a colleague, showing the server’s issues under their fields and a taken name as such', async () => {
    m.addStaff
      .mockRejectedValueOnce(
        new AppError('invalid', 'password too short', [
          { path: 'password', key: 'staff.password.too_short', params: [['min', '8']] },
        ]),
      )
      .mockRejectedValueOnce(
        new AppError('conflict', 'a staff member with the sign-in name "XiaoZhang" already exists'),
      );
    render(<TeamSettings session={teamSession} me={owner} />);
    await waitFor(() => expect(screen.getAllByTestId('team-row')).toHaveLength(2));

    await userEvent.click(screen.getByTestId('team-add'));
    await userEvent.type(screen.getByTestId('team-new-login'), 'XiaoZhang');
    await userEvent.type(screen.getByTestId('team-new-display_name'), '小张');
    await userEvent.selectOptions(screen.getByTestId('team-new-role'), 'designer');
    await userEvent.type(screen.getByTestId('team-new-password'), 'short');
    await userEvent.click(screen.getByTestId('team-add-save'));
    expect((await screen.findByTestId('team-error-password')).textContent).toBe('密码至少需要 8 个字符。');
    expect(screen.getByTestId('team-new-password').getAttribute('aria-invalid')).toBe('true');

    await userEvent.type(screen.getByTestId('team-new-password'), ' and longer');
    expect(screen.queryByTestId('team-error-password')).toBeNull();
    await userEvent.click(screen.getByTestId('team-add-save'));
    expect((await screen.findByTestId('team-add-failure')).textContent).toBe('这个登录名已被使用（不区分大小写）。');
    expect((screen.getByTestId('team-new-login') as HTMLInputElement).value).toBe('XiaoZhang');

    const zhang: StaffUser = { id: 'u4', login: 'xiaozhang2', display_name: '小张', role: 'designer' };
    m.team.mockResolvedValue([owner, agent, zhang]);
    await userEvent.clear(screen.getByTestId('team-new-login'));
    await userEvent.type(screen.getByTestId('team-new-login'), 'xiaozhang2');
    await userEvent.click(screen.getByTestId('team-add-save'));
    expect((await screen.findByTestId('team-notice')).textContent).toContain('小张');
    expect(m.addStaff).toHaveBeenLastCalledWith({
      login: 'xiaozhang2',
      display_name: '小张',
      role: 'designer',
      password: 'short and longer',
    });
    await waitFor(() => expect(screen.getAllByTestId('team-row')).toHaveLength(3));
    expect(screen.queryByTestId('team-add-form')).toBeNull();
  });

  it('changes a role, sets a password and signs a colleague out, each saying what happened', async () => {
    render(<TeamSettings session={teamSession} me={owner} />);
    await waitFor(() => expect(screen.getAllByTestId('team-row')).toHaveLength(2));

    await userEvent.selectOptions(within(rowOf('xiaoli')).getByTestId('team-role'), 'designer');
    expect(m.changeStaff).toHaveBeenCalledWith('u2', { role: 'designer' });
    expect((await screen.findByTestId('team-notice')).textContent).toBe('小李 现在是设计人员。');

    await userEvent.click(within(rowOf('xiaoli')).getByTestId('team-password'));
    await userEvent.type(screen.getByTestId('team-password-input'), 'a new long password');
    await userEvent.click(screen.getByTestId('team-password-save'));
    expect(m.changeStaff).toHaveBeenLastCalledWith('u2', { password: 'a new long password' });
    await waitFor(() => expect(screen.getByTestId('team-notice').textContent).toContain('已为 小李 设置新密码'));
    expect(screen.queryByTestId('team-password-form')).toBeNull();

    // A new display name, saved and said.
    m.changeStaff.mockResolvedValueOnce({ ...agent, display_name: '李小红' });
    await userEvent.click(within(rowOf('xiaoli')).getByTestId('team-rename'));
    const name = screen.getByTestId('team-name-input') as HTMLInputElement;
    expect(name.value).toBe('小李');
    await userEvent.clear(name);
    await userEvent.type(name, '李小红');
    await userEvent.click(screen.getByTestId('team-name-save'));
    expect(m.changeStaff).toHaveBeenLastCalledWith('u2', { display_name: '李小红' });
    await waitFor(() => expect(screen.getByTestId('team-notice').textContent).toBe('已改名为 李小红。'));
    expect(screen.queryByTestId('team-name-form')).toBeNull();

    // Signing out asks once more; nobody signs themself out from here.
    expect(within(rowOf('mei')).queryByTestId('team-sign-out')).toBeNull();
    await userEvent.click(within(rowOf('xiaoli')).getByTestId('team-sign-out'));
    expect(m.signOutStaff).not.toHaveBeenCalled();
    await userEvent.click(within(rowOf('xiaoli')).getByTestId('team-confirm-sign-out'));
    expect(m.signOutStaff).toHaveBeenCalledWith('u2');
    await waitFor(() => expect(screen.getByTestId('team-notice').textContent).toBe('小李 已在所有设备上退出登录。'));
  });

  it('keeps the last owner, and an administrator cannot touch owners or make one', async () => {
    m.changeStaff.mockRejectedValueOnce(new AppError('conflict', 'the server needs an owner'));
    const { unmount } = render(<TeamSettings session={teamSession} me={owner} />);
    await waitFor(() => expect(screen.getAllByTestId('team-row')).toHaveLength(2));
    await userEvent.selectOptions(within(rowOf('mei')).getByTestId('team-role'), 'admin');
    expect((await within(rowOf('mei')).findByTestId('team-row-error')).textContent).toBe(
      '服务器至少需要一位所有者：请先让另一位成员成为所有者。',
    );
    unmount();

    m.team.mockResolvedValue([owner, admin, agent]);
    render(<TeamSettings session={{ ...teamSession, user: admin }} me={admin} />);
    await waitFor(() => expect(screen.getAllByTestId('team-row')).toHaveLength(3));
    const ownerRow = rowOf('mei');
    expect((within(ownerRow).getByTestId('team-role') as HTMLSelectElement).disabled).toBe(true);
    expect((within(ownerRow).getByTestId('team-password') as HTMLButtonElement).disabled).toBe(true);
    const options = Array.from(
      (within(rowOf('xiaoli')).getByTestId('team-role') as HTMLSelectElement).options,
      (o) => o.value,
    );
    expect(options).toEqual(['admin', 'designer', 'agent']);
  });

  it('offline, says the team needs the server and retries when asked', async () => {
    m.team.mockRejectedValueOnce(new AppError('offline', 'cannot reach the server'));
    render(<TeamSettings session={teamSession} me={owner} />);
    expect((await screen.findByTestId('team-error')).textContent).toContain('团队名单需要联网');
    expect((screen.getByTestId('team-add') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByTestId('team-retry'));
    await waitFor(() => expect(screen.getAllByTestId('team-row')).toHaveLength(2));
    expect(screen.queryByTestId('team-error')).toBeNull();
  });
});
