import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef, useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, type ReplyWindow, type ThreadMessage } from '../../platform';
import { NOW, openWindow, platformMocks as m, resetPlatformMocks, threadMessage } from '../../test/platformMock';
import { Composer, type ComposerMode } from './Composer';
import { setSendKey } from '../../kit/sendKey';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

beforeEach(() => {
  resetPlatformMocks();
  // The fixtures' reply window is reckoned from NOW.
  vi.spyOn(Date, 'now').mockReturnValue(NOW);
});

function Harness({
  id = 'c1',
  window = openWindow,
  onSent = vi.fn(),
  onError = vi.fn(),
  canAnswer = true,
}: {
  canAnswer?: boolean;
  id?: string;
  window?: ReplyWindow | null;
  onSent?: (m: ThreadMessage) => void;
  onError?: (message: string) => void;
}) {
  const [mode, setMode] = useState<ComposerMode>('reply');
  return (
    <Composer
      key={id}
      conversationId={id}
      mode={mode}
      onModeChange={setMode}
      window={window}
      subscriberName="王芳"
      accountName="街角咖啡"
      assignedToOther={false}
      canAnswer={canAnswer}
      textareaRef={createRef<HTMLTextAreaElement>()}
      onSent={onSent}
      onError={onError}
    />
  );
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const input = () => screen.getByTestId('composer-input') as HTMLTextAreaElement;

describe('composer', () => {
  it('with Ctrl+Enter chosen in Settings, Enter breaks the line and Ctrl+Enter sends', async () => {
    setSendKey('mod_enter');
    try {
      m.sendReply.mockResolvedValue(threadMessage('m-new', {}, 'queued'));
      render(<Harness />);
      await waitFor(() => expect(m.loadDraft).toHaveBeenCalledWith('c1'));
      expect(screen.getByText('Ctrl+Enter 发送 · Enter 换行')).toBeTruthy();
      await userEvent.type(input(), '第一行{Enter}第二行');
      expect(m.sendReply).not.toHaveBeenCalled();
      expect(input().value).toBe('第一行\n第二行');
      await userEvent.keyboard('{Control>}{Enter}{/Control}');
      await waitFor(() => expect(m.sendReply).toHaveBeenCalledTimes(1));
      expect((m.sendReply.mock.calls[0] as [string, string])[1]).toBe('第一行\n第二行');
    } finally {
      setSendKey('enter');
    }
  });

  it('sends one message with one clientId when Enter is pressed twice on a slow network', async () => {
    const pending = deferred<ThreadMessage>();
    m.sendReply.mockReturnValue(pending.promise);
    const onSent = vi.fn();
    render(<Harness onSent={onSent} />);
    await waitFor(() => expect(m.loadDraft).toHaveBeenCalledWith('c1'));

    await userEvent.type(input(), '您好，订单已发货');
    await userEvent.keyboard('{Enter}{Enter}');
    await userEvent.keyboard('{Enter}');

    expect(m.sendReply).toHaveBeenCalledTimes(1);
    const [conversationId, text, note, clientId] = m.sendReply.mock.calls[0] as [string, string, boolean, string];
    expect([conversationId, text, note]).toEqual(['c1', '您好，订单已发货', false]);
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);

    await act(async () => pending.resolve(threadMessage('m-new', { client_msg_id: clientId }, 'queued')));
    await waitFor(() => expect(input().value).toBe(''));
    expect(onSent).toHaveBeenCalledTimes(1);
    expect(m.saveDraft).toHaveBeenLastCalledWith('c1', '');
    expect(m.sendReply).toHaveBeenCalledTimes(1);
  });

  it('for a role that does not answer subscribers, says so and sends neither a reply nor a note', async () => {
    render(<Harness canAnswer={false} />);
    await waitFor(() => expect(m.loadDraft).toHaveBeenCalledWith('c1'));
    expect(screen.getByTestId('role-blocked').textContent).toContain('不能回复粉丝');
    await userEvent.type(input(), '您好{Enter}');
    await userEvent.click(screen.getByTestId('mode-note'));
    await userEvent.keyboard('{Enter}');
    expect(screen.getByTestId('composer-send')).toHaveProperty('disabled', true);
    expect(m.sendReply).not.toHaveBeenCalled();
  });

  it('reuses the clientId when the same text is sent again after a failed call', async () => {
    m.sendReply.mockRejectedValueOnce(new AppError('offline', 'down'));
    render(<Harness />);
    await userEvent.type(input(), 'hello{Enter}');
    await waitFor(() => expect(m.sendReply).toHaveBeenCalledTimes(1));
    expect(input().value).toBe('hello'); // nothing typed is lost
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(m.sendReply).toHaveBeenCalledTimes(2));
    const first = m.sendReply.mock.calls[0]?.[3];
    const second = m.sendReply.mock.calls[1]?.[3];
    expect(second).toBe(first);
  });

  it('Shift+Enter breaks the line instead of sending', async () => {
    render(<Harness />);
    await userEvent.type(input(), 'line one{Shift>}{Enter}{/Shift}line two');
    expect(input().value).toBe('line one\nline two');
    expect(m.sendReply).not.toHaveBeenCalled();
  });

  it('saves the draft while typing, flushes it on switch, and restores it', async () => {
    m.loadDraft.mockImplementation(async (id: string) => (id === 'c2' ? '上次没写完的回复' : ''));
    const { rerender } = render(<Harness id="c1" />);
    await waitFor(() => expect(m.loadDraft).toHaveBeenCalledWith('c1'));
    await userEvent.type(input(), 'draft text');
    await waitFor(() => expect(m.saveDraft).toHaveBeenLastCalledWith('c1', 'draft text'));

    // Typing and switching at once: the unsaved text is flushed on the switch, not lost.
    await userEvent.type(input(), '!');
    rerender(<Harness id="c2" />);
    expect(m.saveDraft).toHaveBeenLastCalledWith('c1', 'draft text!');
    await waitFor(() => expect(input().value).toBe('上次没写完的回复'));
  });

  it('shows the window as time and replies left', async () => {
    render(<Harness />);
    expect(screen.getByTestId('reply-window').textContent).toBe('回复窗口将在 5 小时 12 分钟 后关闭 · 还可回复 3 条');
  });

  it('disables replies when the window is closed, says why, and still allows a note', async () => {
    render(
      <Harness window={{ open: false, closes_at: null, replies_left: 0, closed_reason: 'reply_window.expired' }} />,
    );
    expect(screen.getByTestId('window-closed').textContent).toContain('无法回复：回复窗口已过期。');
    expect(screen.getByTestId('window-closed').textContent).toContain('群发');
    await userEvent.type(input(), 'too late{Enter}');
    expect(m.sendReply).not.toHaveBeenCalled();
    expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(true);

    await userEvent.click(screen.getByTestId('mode-note'));
    expect(screen.queryByTestId('window-closed')).toBeNull();
    await userEvent.click(input());
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(m.sendReply).toHaveBeenCalledTimes(1));
    expect(m.sendReply.mock.calls[0]?.slice(0, 3)).toEqual(['c1', 'too late', true]);
  });

  it('closes the window on the client when its time has passed', async () => {
    render(<Harness window={{ ...openWindow, closes_at: NOW - 1 }} />);
    expect(screen.getByTestId('window-closed').textContent).toContain('回复窗口已过期');
  });

  it('opens the stored canned replies on /, searches them fuzzily and inserts at the cursor with the name filled in', async () => {
    m.listCannedReplies.mockResolvedValue([
      {
        id: 'r1',
        shortcut: 'greeting',
        title: '问候',
        body: '{{subscriber.name}}，您好！感谢联系{{account.name}}。',
        updated_at: NOW,
      },
      { id: 'r2', shortcut: 'hours', title: '营业时间', body: '每天 9 点开门。', updated_at: NOW },
    ]);
    render(<Harness />);
    await userEvent.type(input(), '订单已收到\n/grt');
    const options = await screen.findAllByTestId('canned-option');
    expect(options[0]?.textContent).toContain('/greeting');
    expect(options[0]?.textContent).toContain('王芳，您好！');
    await userEvent.keyboard('{Enter}');
    expect(input().value).toBe('订单已收到\n王芳，您好！感谢联系街角咖啡。');
    expect(screen.queryByTestId('canned-picker')).toBeNull();
    expect(m.sendReply).not.toHaveBeenCalled();
  });

  it('offers the built-in starters in the UI language when there are no canned replies', async () => {
    const saved: unknown[] = [];
    m.saveCannedReply.mockImplementation(async (draft: { shortcut: string; title: string; body: string }) => {
      saved.push(draft);
      return { id: draft.shortcut, ...draft, updated_at: NOW };
    });
    m.listCannedReplies.mockResolvedValueOnce([]).mockImplementation(async () =>
      (saved as { shortcut: string; title: string; body: string }[]).map((d) => ({
        id: d.shortcut,
        ...d,
        updated_at: NOW,
      })),
    );
    render(<Harness />);
    await userEvent.type(input(), '/');
    await userEvent.click(await screen.findByTestId('canned-add-starters'));
    await waitFor(() => expect(screen.getAllByTestId('canned-option').length).toBeGreaterThan(0));
    expect(saved).toHaveLength(7);
    expect(saved[0]).toEqual({
      id: null,
      shortcut: 'greeting',
      title: '问候',
      body: '{{subscriber.name}}，您好！感谢联系{{account.name}}，请问有什么可以帮您？',
    });
  });

  it('asks for its own placeholders before inserting, and inserts nothing when cancelled', async () => {
    m.listCannedReplies.mockResolvedValue([
      {
        id: 'r1',
        shortcut: 'ship',
        title: '发货',
        body: '{{subscriber.name}}，订单 {{order}} 已由 {{carrier}} 发出。',
        updated_at: NOW,
      },
    ]);
    render(<Harness />);
    await userEvent.type(input(), '/ship');
    await screen.findAllByTestId('canned-option');
    await userEvent.keyboard('{Enter}');
    expect(screen.getByTestId('canned-fill')).toBeTruthy();
    expect(screen.getByTestId('canned-fill-insert')).toHaveProperty('disabled', true);
    await userEvent.type(screen.getByTestId('canned-fill-order'), 'A-1024');
    await userEvent.type(screen.getByTestId('canned-fill-carrier'), '顺丰{Enter}');
    expect(input().value).toBe('王芳，订单 A-1024 已由 顺丰 发出。');
    expect(screen.queryByTestId('canned-fill')).toBeNull();

    await userEvent.clear(input());
    await userEvent.type(input(), '/ship');
    await screen.findAllByTestId('canned-option');
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('canned-fill')).toBeNull();
    expect(input().value).toBe('/ship');
  });

  it('attaches an image: one send per pick, each with a fresh clientId, and nothing when the dialog is cancelled', async () => {
    const onSent = vi.fn();
    m.pickOpenPath
      .mockResolvedValueOnce('/home/me/receipt.png')
      .mockResolvedValueOnce(null)
      .mockResolvedValueOnce('/home/me/map.webp');
    render(<Harness onSent={onSent} />);
    await userEvent.click(screen.getByTestId('composer-attach-image'));
    await waitFor(() => expect(m.sendImage).toHaveBeenCalledTimes(1));
    expect(m.pickOpenPath).toHaveBeenCalledWith([{ name: '图片', extensions: ['png', 'jpg', 'jpeg', 'gif', 'webp'] }]);
    const [conversationId, path, clientId] = m.sendImage.mock.calls[0] as [string, string, string];
    expect([conversationId, path]).toEqual(['c1', '/home/me/receipt.png']);
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => expect(onSent).toHaveBeenCalledTimes(1));

    await userEvent.click(screen.getByTestId('composer-attach-image'));
    await waitFor(() => expect(m.pickOpenPath).toHaveBeenCalledTimes(2));
    expect(m.sendImage).toHaveBeenCalledTimes(1); // cancelled: nothing sent

    await userEvent.click(input());
    await userEvent.keyboard('{Alt>}a{/Alt}');
    await waitFor(() => expect(m.sendImage).toHaveBeenCalledTimes(2));
    expect(m.sendImage.mock.calls[1]?.[1]).toBe('/home/me/map.webp');
    expect(m.sendImage.mock.calls[1]?.[2]).not.toBe(clientId);
    expect(input().value).toBe(''); // Alt+A types nothing
  });

  it('says why a picked file was refused', async () => {
    const onError = vi.fn();
    m.pickOpenPath.mockResolvedValue('/home/me/notes.png');
    m.sendImage.mockRejectedValue(
      new AppError('invalid', 'refused', [{ path: 'path', key: 'message.image.not_image', params: [] }]),
    );
    render(<Harness onError={onError} />);
    await userEvent.click(screen.getByTestId('composer-attach-image'));
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(onError.mock.calls[0]?.[0]).toBe('图片未发出：这个文件不是 PNG、JPEG、GIF 或 WebP 图片（与文件名无关）。');
    expect((screen.getByTestId('composer-attach-image') as HTMLButtonElement).disabled).toBe(false); // staff may pick another
  });

  it('offers no image while the reply window is closed, nor in a note', async () => {
    render(
      <Harness window={{ open: false, closes_at: null, replies_left: 0, closed_reason: 'reply_window.expired' }} />,
    );
    expect((screen.getByTestId('composer-attach-image') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(input());
    await userEvent.keyboard('{Alt>}a{/Alt}');
    await userEvent.click(screen.getByTestId('mode-note'));
    expect(screen.queryByTestId('composer-attach-image')).toBeNull();
    expect(m.pickOpenPath).not.toHaveBeenCalled();
  });
});
