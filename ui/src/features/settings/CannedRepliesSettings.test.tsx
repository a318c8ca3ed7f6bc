import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type CannedReply } from '../../platform';
import { NOW, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { CannedRepliesSettings } from './CannedRepliesSettings';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const hours: CannedReply = { id: 'r1', shortcut: 'hours', title: '营业时间', body: '每天 9 点开门。', updated_at: NOW };

beforeEach(() => {
  resetPlatformMocks();
});

describe('canned replies in Settings', () => {
  it('adds one, showing the core’s issues under their fields until they are fixed', async () => {
    m.listCannedReplies.mockResolvedValue([hours]);
    m.saveCannedReply.mockRejectedValueOnce(
      new AppError('invalid', 'shortcut: canned.shortcut.taken', [
        { path: 'shortcut', key: 'canned.shortcut.taken', params: [['shortcut', 'hours']] },
        { path: 'body', key: 'canned.body.required', params: [] },
      ]),
    );
    render(<CannedRepliesSettings onError={vi.fn()} />);
    expect(await screen.findByText('/hours')).toBeTruthy();

    await userEvent.click(screen.getByTestId('settings-canned-add'));
    await userEvent.type(screen.getByTestId('canned-shortcut'), 'HOURS');
    await userEvent.type(screen.getByTestId('canned-title'), '时间');
    await userEvent.click(screen.getByTestId('canned-save'));
    expect((await screen.findByTestId('canned-error-shortcut')).textContent).toBe('已有快捷回复使用 /hours。');
    expect(screen.getByTestId('canned-error-body').textContent).toBe('请输入回复内容。');
    expect(screen.queryByTestId('canned-error-title')).toBeNull();

    await userEvent.clear(screen.getByTestId('canned-shortcut'));
    await userEvent.type(screen.getByTestId('canned-shortcut'), 'open');
    expect(screen.queryByTestId('canned-error-shortcut')).toBeNull();
    await userEvent.type(screen.getByTestId('canned-body'), '我们 9 点开门');
    m.listCannedReplies.mockResolvedValue([
      hours,
      { ...hours, id: 'r2', shortcut: 'open', title: '时间', body: '我们 9 点开门' },
    ]);
    await userEvent.click(screen.getByTestId('canned-save'));
    await waitFor(() => expect(screen.queryByTestId('canned-editor')).toBeNull());
    expect(m.saveCannedReply).toHaveBeenLastCalledWith({
      id: null,
      shortcut: 'open',
      title: '时间',
      body: '我们 9 点开门',
    });
    expect(screen.getAllByTestId('settings-canned-row')).toHaveLength(2);
  });

  it('edits in place and deletes after a confirmation', async () => {
    m.listCannedReplies.mockResolvedValue([hours]);
    render(<CannedRepliesSettings onError={vi.fn()} />);
    await userEvent.click(await screen.findByTestId('settings-canned-edit'));
    expect((screen.getByTestId('canned-body') as HTMLTextAreaElement).value).toBe('每天 9 点开门。');
    await userEvent.type(screen.getByTestId('canned-title'), '（周末）');
    await userEvent.click(screen.getByTestId('canned-save'));
    await waitFor(() =>
      expect(m.saveCannedReply).toHaveBeenCalledWith({
        ...{ id: 'r1', shortcut: 'hours', body: '每天 9 点开门。' },
        title: '营业时间（周末）',
      }),
    );

    const row = await screen.findByTestId('settings-canned-row');
    await userEvent.click(within(row).getByTestId('settings-canned-delete'));
    expect(m.deleteCannedReply).not.toHaveBeenCalled();
    m.listCannedReplies.mockResolvedValue([]);
    await userEvent.click(within(row).getByTestId('settings-canned-confirm-delete'));
    await waitFor(() => expect(m.deleteCannedReply).toHaveBeenCalledWith('r1'));
    expect(await screen.findByTestId('settings-canned-empty')).toBeTruthy();
  });

  it('adds the starter replies in the UI language when there are none', async () => {
    render(<CannedRepliesSettings onError={vi.fn()} />);
    await userEvent.click(await screen.findByTestId('settings-canned-starters'));
    await waitFor(() => expect(m.saveCannedReply).toHaveBeenCalledTimes(7));
    expect(m.saveCannedReply.mock.calls[0]?.[0]).toMatchObject({ id: null, shortcut: 'greeting', title: '问候' });
  });
});
