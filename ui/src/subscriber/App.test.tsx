import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { ApiError } from './api';
import { SubscriberApp } from './App';
import { fakeApi, message, viewResponse } from './testApi';

function start(api = fakeApi(), opener = vi.fn()) {
  render(<SubscriberApp api={api} opener={opener} />);
  return { api, opener };
}

describe('subscriber app', () => {
  it('shows the account, the function view and the bottom menu', async () => {
    start();
    expect((await screen.findByTestId('account-name')).textContent).toBe('招商银行信用卡');
    expect(screen.getAllByTestId('account-avatar')[0]!.textContent).toBe('招');
    expect(screen.getByTestId('function-view').textContent).toContain('张三');
    expect(screen.getAllByTestId('menu-item')).toHaveLength(3);
    expect(screen.getByTestId('view-switch-function').getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(document.title).toBe('招商银行信用卡'));
  });

  it('shows an empty state when nothing is published', async () => {
    start(fakeApi(viewResponse({ layout: null, version: null })));
    expect((await screen.findByTestId('not-published')).textContent).toContain('该服务号还没有发布服务页面。');
    expect(screen.queryByTestId('menu-item')).toBeNull();
  });

  it('shows a translated load error with a retry', async () => {
    const api = fakeApi();
    api.view.mockRejectedValueOnce(new ApiError('not_found', 'no such account', 404));
    start(api);
    expect((await screen.findByTestId('load-error')).textContent).toContain('找不到这个服务号。');
    await userEvent.click(screen.getByRole('button', { name: '重试' }));
    expect(await screen.findByTestId('account-name')).toBeTruthy();
  });

  it('switches between the function view and the chat view', async () => {
    start();
    await userEvent.click(await screen.findByTestId('view-switch-chat'));
    expect(screen.getByTestId('chat-view')).toBeTruthy();
    expect(screen.queryByTestId('function-view')).toBeNull();
    await userEvent.click(screen.getByTestId('view-switch-function'));
    expect(screen.getByTestId('function-view')).toBeTruthy();
  });

  it('follows and unfollows through the same button', async () => {
    const { api } = start();
    const button = await screen.findByTestId('follow-button');
    expect(button.textContent).toBe('关注');
    await userEvent.click(button);
    await waitFor(() => expect(button.textContent).toBe('已关注'));
    expect(api.follow).toHaveBeenCalledTimes(1);
    await userEvent.click(button);
    await waitFor(() => expect(button.textContent).toBe('关注'));
    expect(api.unfollow).toHaveBeenCalledTimes(1);
  });

  it('posts a menu tap and switches to the chat; a submenu page opens in the function view', async () => {
    const { api } = start();
    await userEvent.click((await screen.findAllByTestId('menu-item'))[0]!);
    expect(api.sendEvent).toHaveBeenCalledWith({ event: 'menu_tap', key: 'bill', label: '账单' });
    expect(api.sendEvent).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('chat-view')).toBeTruthy();

    await userEvent.click(screen.getByTestId('view-switch-function'));
    await userEvent.click(screen.getAllByTestId('menu-item')[2]!);
    await userEvent.click(within(screen.getByTestId('submenu')).getAllByTestId('submenu-item')[0]!);
    expect(api.sendEvent).toHaveBeenLastCalledWith({ event: 'menu_tap', key: 'more_cards', label: '卡片管理' });
    expect(screen.getByTestId('function-view').textContent).toContain('修改密码');
    await userEvent.click(screen.getByTestId('page-back'));
    expect(screen.getByTestId('function-view').textContent).toContain('张三');
  });

  it('posts a keyword from a module and switches to the chat', async () => {
    const { api } = start();
    await userEvent.click(await screen.findByRole('button', { name: '账单查询' }));
    expect(api.sendEvent).toHaveBeenCalledWith({ event: 'keyword', keyword: '账单' });
    expect(screen.getByTestId('chat-view')).toBeTruthy();
  });

  it('opens https links, and shows sandbox sheets for pay, map and call', async () => {
    const { opener } = start();
    await userEvent.click(await screen.findByRole('button', { name: '分期' }));
    expect(opener).toHaveBeenCalledWith('https://example.com/installment?uid=2088102146225135');

    await userEvent.click(screen.getByTestId('wk-pay-button'));
    expect(screen.getByTestId('sandbox-sheet').textContent).toContain('¥3280.50（信用卡还款）');
    await userEvent.click(screen.getByTestId('sheet-close'));
    expect(screen.queryByTestId('sandbox-sheet')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: '附近网点' }));
    expect(screen.getByTestId('sandbox-sheet').textContent).toContain('人民广场店');
    await userEvent.keyboard('{Escape}');

    await userEvent.click(screen.getByTestId('wk-contact-call'));
    expect(screen.getByTestId('sheet-call').getAttribute('href')).toBe('tel:4001234567');
  });

  it('shows a translated error when an event cannot be posted', async () => {
    const api = fakeApi();
    api.sendEvent.mockRejectedValueOnce(new ApiError('offline', 'down'));
    start(api);
    await userEvent.click(await screen.findByRole('button', { name: '账单查询' }));
    expect((await screen.findByTestId('app-error')).textContent).toContain('无法连接到服务器。');
  });

  it('fetches from the cursor on every live signal and shows new replies, with a badge in the function view', async () => {
    const api = fakeApi();
    api.messages.mockResolvedValueOnce({ messages: [message('inbound', { type: 'text', text: '你好' })], cursor: 7 });
    start(api);
    await screen.findByTestId('account-name');
    await waitFor(() => expect(api.messages).toHaveBeenCalledWith(0));

    api.messages.mockResolvedValueOnce({
      messages: [message('outbound', { type: 'text', text: '您好，还款日是每月5日' })],
      cursor: 9,
    });
    await act(async () => api.handlers().onSignal());
    await waitFor(() => expect(api.messages).toHaveBeenLastCalledWith(7));
    expect((await screen.findByTestId('unread-badge')).textContent).toBe('1');

    await userEvent.click(screen.getByTestId('view-switch-chat'));
    const bubbles = screen.getAllByTestId('chat-message');
    expect(bubbles.map((b) => b.textContent)).toEqual(['你好', '您好，还款日是每月5日']);
    expect(screen.queryByTestId('unread-badge')).toBeNull();

    api.messages.mockResolvedValueOnce({ messages: [], cursor: 9 });
    await act(async () => api.handlers().onSignal());
    await waitFor(() => expect(api.messages).toHaveBeenLastCalledWith(9));
  });

  it('follows the browser language', async () => {
    await i18n.changeLanguage('en');
    start();
    expect((await screen.findByTestId('follow-button')).textContent).toBe('Follow');
    expect(screen.getByTestId('view-switch-chat').textContent).toBe('Messages');
  });
});
