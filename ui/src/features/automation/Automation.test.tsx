import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AutoReplyRule, AutoReplyRuleDraft } from '../../platform';
import { accountItem, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { AutomationScreen } from './Automation';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const hours: AutoReplyRule = {
  id: 'r1',
  account_id: 'acc-1',
  name: '营业时间',
  trigger: { kind: 'keyword', keywords: [{ text: '营业时间', mode: 'contains' }] },
  priority: 0,
  replies: [{ type: 'text', text: '9 点到 18 点' }],
  reply_mode: 'all',
  enabled: true,
  deleted: false,
  created_at: 1,
  updated_at: 1,
};

beforeEach(() => {
  resetPlatformMocks();
  m.listAccounts.mockResolvedValue([accountItem()]);
  m.listAutoReplyRules.mockResolvedValue([{ rule: hours, waiting: true }]);
  m.checkAutoReplyRule.mockResolvedValue([]);
  m.saveAutoReplyRule.mockResolvedValue(null);
  m.deleteAutoReplyRule.mockResolvedValue(null);
});

describe('the automatic replies screen', () => {
  it('lists the account’s rules and shows the platform’s refusals inline as staff type', async () => {
    render(<AutomationScreen />);
    await waitFor(() => expect(m.listAutoReplyRules).toHaveBeenCalledWith('acc-1'));
    expect(await screen.findByText('营业时间')).toBeTruthy();
    expect(screen.getByText(/等待同步/)).toBeTruthy();

    m.checkAutoReplyRule.mockResolvedValue([
      { path: 'replies.1.type', key: 'auto_reply.image.unsupported', params: [] },
    ]);
    await userEvent.click(screen.getByTestId('automation-new'));
    await userEvent.click(screen.getByRole('button', { name: '添加图片' }));
    expect(await screen.findByText('支付宝不支持纯图片消息，请改用图文卡片。')).toBeTruthy();
    // The check reads the rule as edited, once typing pauses.
    await waitFor(() => {
      const checked = m.checkAutoReplyRule.mock.lastCall?.[0] as AutoReplyRuleDraft | undefined;
      expect(checked?.replies.map((r) => r.type)).toEqual(['text', 'image']);
    });
  });

  it('shows a new rule’s refusals only once its field is left or a save is tried', async () => {
    m.checkAutoReplyRule.mockResolvedValue([
      { path: 'name', key: 'auto_reply.name.required', params: [] },
      { path: 'trigger.keywords.0', key: 'auto_reply.keyword.required', params: [] },
    ]);
    render(<AutomationScreen />);
    await userEvent.click(await screen.findByTestId('automation-new'));
    await waitFor(() => expect(m.checkAutoReplyRule).toHaveBeenCalled());
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    const editor = screen.getByTestId('automation-editor');
    expect(within(editor).queryAllByRole('alert')).toEqual([]);
    expect(within(editor).getByLabelText('名称').getAttribute('aria-invalid')).toBe('false');

    // Leaving the name shows the name's refusal (the check had already answered), not the keyword's.
    await userEvent.click(within(editor).getByLabelText('名称'));
    await userEvent.tab();
    expect(within(editor).getByText('请输入规则名称。')).toBeTruthy();
    expect(within(editor).getByLabelText('名称').getAttribute('aria-invalid')).toBe('true');
    expect(within(editor).queryByText('请输入关键词。')).toBeNull();

    // Trying to save shows every refusal.
    await userEvent.click(screen.getByTestId('automation-save'));
    expect(await within(editor).findByText('请输入关键词。')).toBeTruthy();
    expect(within(editor).getByLabelText('关键词 1').getAttribute('aria-invalid')).toBe('true');
  });

  it('saves the edited rule through the outbox', async () => {
    render(<AutomationScreen />);
    await userEvent.click(await screen.findByText('营业时间'));
    const editor = screen.getByTestId('automation-editor');
    const text = within(editor).getByLabelText('文字');
    await userEvent.clear(text);
    await userEvent.type(text, '10 点开门');
    await userEvent.click(screen.getByTestId('automation-save'));
    await waitFor(() => expect(m.saveAutoReplyRule).toHaveBeenCalledTimes(1));
    const saved = m.saveAutoReplyRule.mock.lastCall?.[0];
    // Only a draft's fields: the command refuses a saved rule's deleted, created_at and updated_at.
    expect(saved).toEqual({
      id: 'r1',
      account_id: 'acc-1',
      name: '营业时间',
      trigger: hours.trigger,
      priority: 0,
      replies: [{ type: 'text', text: '10 点开门' }],
      reply_mode: 'all',
      enabled: true,
    });
    expect(await screen.findByRole('status')).toBeTruthy();
  });

  it('tries a message with the rule being edited and shows what it sends', async () => {
    m.tryAutoReply.mockResolvedValue({
      decision: {
        rule_id: 'r1',
        rule_name: '营业时间',
        trigger: 'keyword',
        keyword: '营业时间',
        replies: [{ type: 'text', text: '9 点到 18 点' }],
      },
      random: false,
    });
    render(<AutomationScreen />);
    await userEvent.click(await screen.findByText('营业时间'));
    await userEvent.type(screen.getByTestId('automation-try-input'), '请问营业时间');
    await userEvent.click(screen.getByRole('button', { name: '试一试' }));
    const result = await screen.findByTestId('automation-try-result');
    expect(within(result).getByText('由“营业时间”回复')).toBeTruthy();
    expect(within(result).getByText('9 点到 18 点')).toBeTruthy();
    const [account, draft, message] = m.tryAutoReply.mock.lastCall ?? [];
    expect(account).toBe('acc-1');
    expect(Object.keys(draft ?? {}).sort()).toEqual(
      ['account_id', 'enabled', 'id', 'name', 'priority', 'replies', 'reply_mode', 'trigger'].sort(),
    );
    expect(message).toEqual({ kind: 'text', text: '请问营业时间' });

    m.tryAutoReply.mockResolvedValue({ decision: null, random: false });
    await userEvent.click(screen.getByRole('button', { name: '试一试' }));
    expect(await screen.findByTestId('automation-try-none')).toBeTruthy();
  });
});

describe('importing from WeChat', () => {
  it('saves the WeChat console’s rules and says what was left out', async () => {
    m.listAccounts.mockResolvedValue([accountItem({ platform: 'wechat' })]);
    m.importWechatAutoReplies.mockResolvedValue({ drafts: [{ ...hours, id: 'wechat-1-0' }], skipped: ['价格: voice'] });
    render(<AutomationScreen />);
    await userEvent.click(await screen.findByTestId('automation-import-wechat'));
    await waitFor(() => expect(m.importWechatAutoReplies).toHaveBeenCalledWith('acc-1'));
    const notice = await screen.findByRole('status');
    expect(notice.textContent).toContain('已从微信后台导入 1 条规则');
    expect(notice.textContent).toContain('价格: voice');
  });

  it('offers no WeChat import on an Alipay account', async () => {
    render(<AutomationScreen />);
    await screen.findByText('营业时间');
    expect(screen.queryByTestId('automation-import-wechat')).toBeNull();
  });
});
