import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { readState, SCREENSHOTS } from './server';

const ACCOUNT = 'acc-1';
const ACCOUNT_NAME = '招商银行信用卡';
const REPLY = '您好，还款日是每月5日';

/** The staff side, over the console API with a bearer token. */
class Staff {
  private nextMutation = 1;
  // Each test's staff is a console of its own: its change numbers start at 1.
  private readonly clientId = `web-test-${randomUUID()}`;

  constructor(
    private readonly request: APIRequestContext,
    private readonly base: string,
    private readonly token: string,
  ) {}

  static async signIn(request: APIRequestContext): Promise<Staff> {
    const { baseUrl, login, password } = readState();
    const response = await request.post(`${baseUrl}/api/v1/sessions`, { data: { login, password } });
    expect(response.status(), await response.text()).toBe(200);
    const { token } = (await response.json()) as { token: string };
    expect(token).toBeTruthy();
    return new Staff(request, baseUrl, token);
  }

  private headers(extra: Record<string, string> = {}) {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async push(name: string, args: unknown): Promise<void> {
    const id = this.nextMutation;
    this.nextMutation += 1;
    const response = await this.request.post(`${this.base}/api/v1/push`, {
      headers: this.headers(),
      data: { client_id: this.clientId, mutations: [{ id, mutation: { name, args } }] },
    });
    const text = await response.text();
    expect(response.status(), text).toBe(200);
    const body = JSON.parse(text) as { last_mutation_id: number; rejected: unknown[] };
    expect(body.rejected, text).toEqual([]);
    expect(body.last_mutation_id).toBe(id);
  }

  async get<T>(url: string): Promise<T> {
    const response = await this.request.get(`${this.base}${url}`, { headers: this.headers() });
    const text = await response.text();
    expect(response.status(), `GET ${url}: ${text}`).toBe(200);
    return JSON.parse(text) as T;
  }

  async send<T>(method: 'PUT' | 'POST', url: string, data: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.request.fetch(`${this.base}${url}`, { method, headers: this.headers(headers), data });
    const text = await response.text();
    expect(response.status(), `${method} ${url}: ${text}`).toBe(200);
    return JSON.parse(text) as T;
  }
}

test('a subscriber uses the published page and chats with staff, live', async ({ page, request }) => {
  const { baseUrl } = readState();
  const staff = await Staff.signIn(request);

  // The merchant: an account, the credit-card starter as a draft, published.
  await staff.push('create_account', {
    id: ACCOUNT,
    name: ACCOUNT_NAME,
    platform: 'wechat',
    category: '信用卡',
    description: '',
    avatar_color: '#1677ff',
  });
  const templates = await staff.get<{ id: string; layout: unknown }[]>('/api/v1/templates');
  const creditCard = templates.find((t) => t.id === 'credit_card');
  expect(creditCard, JSON.stringify(templates.map((t) => t.id))).toBeDefined();
  const { revision } = await staff.send<{ revision: number }>(
    'PUT',
    `/api/v1/accounts/${ACCOUNT}/layout/draft`,
    { layout: creditCard!.layout },
    { 'If-Match': '0' },
  );
  const { version } = await staff.send<{ version: number }>('POST', `/api/v1/accounts/${ACCOUNT}/layout/publish`, {
    revision,
  });
  expect(version).toBeGreaterThanOrEqual(1);

  // The subscriber opens the account page.
  await page.goto(`${baseUrl}/s/${ACCOUNT}`);
  await expect(page.getByTestId('account-name')).toHaveText(ACCOUNT_NAME);
  const functionView = page.getByTestId('function-view');
  await expect(functionView.locator('[data-module-id="profile"]')).toBeVisible();
  await expect(functionView.locator('[data-module-id="reminder"]')).toContainText('还款提醒');
  await expect(page.getByTestId('menu-item')).toHaveText(['账单', '还款', '更多']);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-function-view.png') });

  // Follow.
  const follow = page.getByTestId('follow-button');
  await expect(follow).toHaveText('关注');
  await follow.click();
  await expect(follow).toHaveText('已关注');

  // A menu item with a keyword: the tap is posted and the chat opens.
  await page.getByTestId('menu-item').filter({ hasText: '账单' }).click();
  await expect(page.getByTestId('chat-view')).toBeVisible();
  await expect(page.getByTestId('chat-event').filter({ hasText: '你点击了菜单「账单」' })).toBeVisible();
  await expect(page.getByTestId('chat-event').filter({ hasText: `你关注了「${ACCOUNT_NAME}」` })).toBeVisible();

  // Back to the function view with the switch; a submenu item opens a page.
  await page.getByTestId('view-switch-function').click();
  await page.getByTestId('menu-item').filter({ hasText: '更多' }).click();
  const submenu = page.getByTestId('submenu');
  await expect(submenu).toBeVisible();
  await expect(submenu.getByTestId('submenu-item')).toHaveText(['卡片管理', '积分查询', '客服热线', '在线客服']);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-submenu.png') });
  await submenu.getByTestId('submenu-item').filter({ hasText: '卡片管理' }).click();
  await expect(submenu).toBeHidden();
  await expect(functionView).toContainText('激活新卡');
  await page.getByTestId('page-back').click();
  await expect(functionView.locator('[data-module-id="profile"]')).toBeVisible();

  // The chat: send a text.
  await page.getByTestId('view-switch-chat').click();
  const input = page.getByTestId('chat-input');
  await input.fill('请问还款日是哪天？');
  await page.getByTestId('chat-send').click();
  await expect(
    page.locator('[data-testid="chat-message"][data-direction="inbound"]').filter({ hasText: '请问还款日是哪天？' }),
  ).toHaveCount(1);
  await expect(input).toHaveValue('');

  // Staff finds the conversation and replies; the reply arrives without a reload.
  await page.evaluate(() => {
    (globalThis as Record<string, unknown>).wkNoReload = true;
  });
  const { conversations } = await staff.get<{ conversations: { id: string; account_id: string }[] }>(
    `/api/v1/conversations?account_id=${ACCOUNT}`,
  );
  expect(conversations).toHaveLength(1);
  await staff.push('send_message', {
    id: randomUUID(),
    conversation_id: conversations[0]!.id,
    body: { type: 'text', text: REPLY },
    note: false,
  });
  const reply = page.locator('[data-testid="chat-message"][data-direction="outbound"]').filter({ hasText: REPLY });
  await expect(reply).toHaveCount(1);
  expect(await page.evaluate(() => (globalThis as Record<string, unknown>).wkNoReload)).toBe(true);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-chat.png') });
});

test('a keyword rule answers the subscriber in the web app automatically', async ({ page, request }) => {
  const { baseUrl } = readState();
  const staff = await Staff.signIn(request);
  const account = 'acc-auto';
  await staff.push('create_account', {
    id: account,
    name: '街角茶馆',
    platform: 'wechat',
    category: '餐饮',
    description: '',
    avatar_color: '#07c160',
  });
  const templates = await staff.get<{ id: string; layout: unknown }[]>('/api/v1/templates');
  const { revision } = await staff.send<{ revision: number }>(
    'PUT',
    `/api/v1/accounts/${account}/layout/draft`,
    { layout: templates[0]!.layout },
    { 'If-Match': '0' },
  );
  await staff.send('POST', `/api/v1/accounts/${account}/layout/publish`, { revision });
  // The merchant's rule, pushed as the console pushes it.
  await staff.push('save_auto_reply_rule', {
    id: randomUUID(),
    account_id: account,
    name: '营业时间',
    trigger: { kind: 'keyword', keywords: [{ text: '营业时间', mode: 'contains' }] },
    priority: 0,
    replies: [{ type: 'text', text: '我们每天 9 点到 18 点营业' }],
    reply_mode: 'all',
    enabled: true,
  });

  await page.goto(`${baseUrl}/s/${account}`);
  await expect(page.getByTestId('account-name')).toHaveText('街角茶馆');
  await page.getByTestId('view-switch-chat').click();
  await page.getByTestId('chat-input').fill('请问营业时间？');
  await page.getByTestId('chat-send').click();
  const reply = page
    .locator('[data-testid="chat-message"][data-direction="outbound"]')
    .filter({ hasText: '我们每天 9 点到 18 点营业' });
  await expect(reply).toHaveCount(1);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'subscriber-automatic-reply.png') });
});
