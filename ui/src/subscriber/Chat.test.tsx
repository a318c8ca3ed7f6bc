import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Message } from '../shared/model';
import { ApiError } from './api';
import { SubscriberApp } from './App';
import { chatImageSrc, MAX_IMAGE_BYTES } from './Chat';
import { fakeApi, message } from './testApi';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function openChat(api = fakeApi()) {
  render(<SubscriberApp api={api} opener={() => undefined} />);
  await userEvent.click(await screen.findByTestId('view-switch-chat'));
  await screen.findByTestId('chat-view');
  return api;
}

describe('chat', () => {
  it('sends once on a double click, and clears the input only when the server accepted', async () => {
    const api = fakeApi();
    const answer = deferred<Message>();
    api.sendMessage.mockReturnValue(answer.promise);
    await openChat(api);

    const input = screen.getByTestId('chat-input') as HTMLInputElement;
    await userEvent.type(input, '还款日是哪天？');
    await userEvent.dblClick(screen.getByTestId('chat-send'));
    fireEvent.click(screen.getByTestId('chat-send'));
    fireEvent.keyDown(input, { key: 'Enter' });

    expect(api.sendMessage).toHaveBeenCalledTimes(1);
    const [id, body] = api.sendMessage.mock.calls[0]!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toEqual({ type: 'text', text: '还款日是哪天？' });
    expect(input.value).toBe('还款日是哪天？');

    await act(async () =>
      answer.resolve(message('inbound', { type: 'text', text: '还款日是哪天？' }, { client_msg_id: id })),
    );
    await waitFor(() => expect(input.value).toBe(''));
    const bubbles = screen.getAllByTestId('chat-message');
    expect(bubbles).toHaveLength(1);
    expect(bubbles[0]!.getAttribute('data-direction')).toBe('inbound');
    expect(bubbles[0]!.textContent).toBe('还款日是哪天？');
  });

  it('shows the error of a failed send, keeps the text, and retries with the same id', async () => {
    const api = fakeApi();
    api.sendMessage.mockRejectedValueOnce(new ApiError('rate_limited', 'slow down', 429));
    await openChat(api);
    const input = screen.getByTestId('chat-input') as HTMLInputElement;
    await userEvent.type(input, '你好{Enter}');

    expect((await screen.findByTestId('chat-error')).textContent).toBe('操作过于频繁，请稍后再试。');
    expect(input.value).toBe('你好');
    expect(screen.queryAllByTestId('chat-message')).toHaveLength(0);

    api.sendMessage.mockResolvedValueOnce(message('inbound', { type: 'text', text: '你好' }));
    await userEvent.click(screen.getByTestId('chat-send'));
    await waitFor(() => expect(input.value).toBe(''));
    expect(api.sendMessage).toHaveBeenCalledTimes(2);
    expect(api.sendMessage.mock.calls[1]![0]).toBe(api.sendMessage.mock.calls[0]![0]);
    expect(screen.queryByTestId('chat-error')).toBeNull();
  });

  it('says offline when the server cannot be reached', async () => {
    const api = fakeApi();
    api.sendMessage.mockRejectedValueOnce(new ApiError('offline', 'Failed to fetch'));
    await openChat(api);
    await userEvent.type(screen.getByTestId('chat-input'), 'hi{Enter}');
    expect((await screen.findByTestId('chat-error')).textContent).toBe('无法连接到服务器。');
  });

  it("translates the server's issues, and checks the length in bytes before sending", async () => {
    const api = fakeApi();
    api.sendMessage.mockRejectedValueOnce(
      new ApiError('invalid', 'body.text: message.text.required', 422, [
        { path: 'body.text', key: 'message.text.required', params: [] },
      ]),
    );
    await openChat(api);
    const input = screen.getByTestId('chat-input') as HTMLInputElement;
    await userEvent.type(input, 'x{Enter}');
    expect((await screen.findByTestId('chat-error')).textContent).toBe('请输入消息内容。');

    fireEvent.change(input, { target: { value: '还'.repeat(700) } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect((await screen.findByTestId('chat-error')).textContent).toBe('消息太长：最多 2048 字节（现在 2100 字节）。');
    expect(api.sendMessage).toHaveBeenCalledTimes(1);
    expect(input.value).toBe('还'.repeat(700));
  });

  it('does not send an empty message', async () => {
    const api = await openChat();
    expect((screen.getByTestId('chat-send') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(screen.getByTestId('chat-input'), '   {Enter}');
    expect(api.sendMessage).not.toHaveBeenCalled();
  });

  it('sends an image as a data URL, and refuses one over 2 MB with a clear error', async () => {
    const api = fakeApi();
    api.sendMessage.mockResolvedValue(message('inbound', { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' }));
    await openChat(api);
    const file = screen.getByTestId('chat-image-input') as HTMLInputElement;

    const big = new File([new Uint8Array(MAX_IMAGE_BYTES + 1)], 'big.png', { type: 'image/png' });
    await userEvent.upload(file, big);
    expect((await screen.findByTestId('chat-error')).textContent).toBe('图片不能超过 2 MB，请换一张小一些的图片。');
    expect(api.sendMessage).not.toHaveBeenCalled();

    const small = new File([new Uint8Array([137, 80, 78, 71])], 'small.png', { type: 'image/png' });
    await userEvent.upload(file, small);
    await waitFor(() => expect(api.sendMessage).toHaveBeenCalledTimes(1));
    const [, body] = api.sendMessage.mock.calls[0]!;
    expect(body).toEqual({ type: 'image', data_url: 'data:image/png;base64,iVBORw==' });
    const img = (await screen.findByTestId('chat-message')).querySelector('img')!;
    expect(img.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('shows replies on the left with the avatar, events as centred lines, never notes, and text as text', async () => {
    const api = fakeApi();
    api.messages.mockResolvedValueOnce({
      cursor: 4,
      messages: [
        message('inbound', { type: 'event', event: 'follow' }),
        message('inbound', { type: 'event', event: 'menu_tap', key: 'bill', label: '账单' }),
        message('outbound', { type: 'text', text: '<img src=x onerror=alert(1)>您好' }),
        message('note', { type: 'text', text: '内部备注' }),
        message('outbound', {
          type: 'article',
          title: '活动',
          description: '说明',
          url: 'javascript:alert(1)',
          image_url: 'http://x/y.png',
        }),
      ],
    });
    await openChat(api);
    const bubbles = await screen.findAllByTestId('chat-message');
    expect(bubbles.map((b) => b.getAttribute('data-direction'))).toEqual(['outbound', 'outbound']);
    expect(bubbles[0]!.textContent).toContain('<img src=x onerror=alert(1)>您好');
    expect(bubbles[0]!.parentElement!.querySelector('[data-testid="account-avatar"]')!.textContent).toBe('招');
    expect(bubbles[1]!.querySelector('img')).toBeNull();
    expect(bubbles[1]!.querySelector('button')).toBeNull();
    const events = screen.getAllByTestId('chat-event');
    expect(events.map((e) => e.textContent)).toEqual(['你关注了「招商银行信用卡」', '你点击了菜单「账单」']);
    expect(screen.queryByText('内部备注')).toBeNull();
  });

  it('allows chat images only from https, this server or an image data URL', () => {
    expect(chatImageSrc('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
    expect(chatImageSrc('/s/media/abc')).toBe('/s/media/abc');
    expect(chatImageSrc('data:image/jpeg;base64,AAAA')).toBe('data:image/jpeg;base64,AAAA');
    for (const bad of [
      'http://x/a.png',
      '//evil.example/a.png',
      'javascript:alert(1)',
      'data:text/html;base64,AAAA',
      'data:image/svg+xml;base64,AAAA',
    ]) {
      expect(chatImageSrc(bad), bad).toBeNull();
    }
  });
});
