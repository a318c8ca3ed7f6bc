import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import type { Issue, Layout, Menu } from '../../shared/model';
import { accountItem, designerDraft, platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import { DesignerScreen } from './Designer';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

// A shop's menu with WeChat's own buttons, as the core reads it from WeChat's JSON.
const shopMenu: Menu = {
  items: [
    {
      id: 'm1',
      label: '扫码',
      target: {
        kind: 'submenu',
        items: [
          {
            id: 'm1_1',
            label: '扫码核销',
            action: { type: 'wechat_event', event: 'scancode_waitmsg', key: 'rselfmenu_0_0' },
          },
          {
            id: 'm1_2',
            label: '拍照晒单',
            action: { type: 'wechat_event', event: 'pic_sysphoto', key: 'rselfmenu_1_0' },
          },
          {
            id: 'm1_3',
            label: '附近门店',
            action: { type: 'wechat_event', event: 'location_select', key: 'rselfmenu_0_2' },
          },
        ],
      },
    },
    {
      id: 'm2',
      label: '资料',
      target: {
        kind: 'submenu',
        items: [
          { id: 'm2_1', label: '会员卡图片', action: { type: 'send_media', media_id: 'MEDIA_1' } },
          { id: 'm2_2', label: '品牌故事', action: { type: 'open_media', media_id: 'MEDIA_2' } },
          { id: 'm2_3', label: '本周上新', action: { type: 'send_article', article_id: 'ARTICLE_1' } },
          { id: 'm2_4', label: '门店地址', action: { type: 'open_article', article_id: 'ARTICLE_2' } },
        ],
      },
    },
    {
      id: 'm3',
      label: '商城',
      target: {
        kind: 'action',
        action: {
          type: 'mini_program',
          appid: 'wx1234567890abcdef',
          pagepath: 'pages/index/index',
          url: 'https://shop.example.com/',
        },
      },
    },
  ],
};

const empty: Layout = { schema_version: 1, modules: [], pages: [], menu: { items: [] } };
const matchrule: Issue = {
  path: 'matchrule',
  key: 'layout.import.matchrule.dropped',
  params: [['rule', '{"tag_id":"2"}']],
};
const ignored: Issue = { path: 'button.0.key', key: 'layout.import.field.ignored', params: [['field', 'key']] };

beforeEach(async () => {
  resetPlatformMocks();
  window.localStorage.clear();
  await i18n.changeLanguage('zh-CN');
  m.listAccounts.mockResolvedValue([accountItem({ platform: 'wechat' })]);
});

async function renderDesigner(layout: Layout, issues: Issue[] = []) {
  m.openLayout.mockResolvedValue(designerDraft(layout, { platform: 'wechat', issues }));
  render(<DesignerScreen />);
  await screen.findByTestId('menu-editor');
  // The draft is loaded when its menu is on the editor.
  await waitFor(() => expect(screen.queryAllByTestId('menu-item-editor')).toHaveLength(layout.menu.items.length));
}

const phone = () => screen.getByTestId('phone');

async function importMenu(notices: Issue[]) {
  m.importWechatMenu.mockResolvedValueOnce({ menu: shopMenu, notices });
  await userEvent.click(screen.getByTestId('menu-import'));
  await userEvent.click(screen.getByTestId('import-menu-text'));
  await userEvent.paste('{"button": […]}');
  await userEvent.click(screen.getByTestId('import-menu-run'));
}

describe('a WeChat menu with WeChat’s own buttons', () => {
  it('shows what the import left out, in the reader’s language, before the menu is used', async () => {
    await renderDesigner(empty);
    await importMenu([matchrule, ignored]);
    const notices = await screen.findByTestId('import-menu-notices');
    expect(
      within(notices)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('data-issue-key')),
    ).toEqual(['layout.import.matchrule.dropped', 'layout.import.field.ignored']);
    expect(notices.textContent).toContain('{"tag_id":"2"}');
    expect(notices.textContent).not.toContain('layout.import');
    // Nothing is used yet: the phone still has no menu.
    expect(within(phone()).queryAllByTestId('menu-item')).toHaveLength(0);

    await i18n.changeLanguage('en');
    expect(screen.getByTestId('import-menu-notices').textContent).not.toContain('layout.import');
    expect(screen.getByTestId('import-menu-use').textContent).toBe('Use this menu');
    await userEvent.click(screen.getByTestId('import-menu-use'));
    await waitFor(() => expect(screen.queryByTestId('import-menu-dialog')).toBeNull());
    expect(
      within(phone())
        .getAllByTestId('menu-item')
        .map((b) => b.textContent),
    ).toEqual(['扫码', '资料', '商城']);
  });

  it('takes a menu with nothing left out at once', async () => {
    await renderDesigner(empty);
    await importMenu([]);
    await waitFor(() => expect(screen.queryByTestId('import-menu-dialog')).toBeNull());
    expect(
      within(phone())
        .getAllByTestId('menu-item')
        .map((b) => b.textContent),
    ).toEqual(['扫码', '资料', '商城']);
  });

  it('shows every kind on the phone by its label, and a tap says what WeChat would do', async () => {
    await renderDesigner({ ...empty, menu: shopMenu });
    const items = within(phone()).getAllByTestId('menu-item');
    expect(items.map((b) => b.textContent)).toEqual(['扫码', '资料', '商城']);
    expect(items.every((b) => b.getAttribute('data-issue') === null)).toBe(true);

    await userEvent.click(items[0]!);
    const scans = within(phone()).getAllByTestId('submenu-item');
    expect(scans.map((b) => b.textContent)).toEqual(['扫码核销', '拍照晒单', '附近门店']);
    await userEvent.click(scans[0]!);
    expect((await screen.findByTestId('toast')).textContent).toBe(
      '微信将打开扫一扫并等待公众号回复（key “rselfmenu_0_0”）',
    );

    await userEvent.click(within(phone()).getAllByTestId('menu-item')[1]!);
    expect(
      within(phone())
        .getAllByTestId('submenu-item')
        .map((b) => b.textContent),
    ).toEqual(['会员卡图片', '品牌故事', '本周上新', '门店地址']);
    await userEvent.click(within(phone()).getAllByTestId('submenu-item')[3]!);
    expect(screen.getByTestId('toast').textContent).toBe('将打开已发布的图文 ARTICLE_2');

    await userEvent.click(within(phone()).getAllByTestId('menu-item')[2]!);
    expect(screen.getByTestId('toast').textContent).toBe('将打开小程序 wx1234567890abcdef 的页面 pages/index/index');
  });

  it('edits a mini program’s fields and an event button’s kind and key in the menu editor', async () => {
    await renderDesigner({ ...empty, menu: shopMenu });
    const editor = screen.getByTestId('menu-editor');
    const type = editor.querySelector<HTMLSelectElement>('select[data-field="items.2.target.action.type"]')!;
    expect(type.value).toBe('mini_program');
    expect(Array.from(type.options).map((o) => o.value)).toContain('wechat_event');
    const appid = editor.querySelector<HTMLInputElement>('input[data-field="items.2.target.action.appid"]')!;
    expect(appid.value).toBe('wx1234567890abcdef');
    const pagepath = editor.querySelector<HTMLInputElement>('input[data-field="items.2.target.action.pagepath"]')!;
    await userEvent.clear(pagepath);
    await userEvent.type(pagepath, 'pages/vip');
    await waitFor(() => expect(m.saveLayout).toHaveBeenCalled());
    const saved = () => m.saveLayout.mock.calls.at(-1)![1] as Layout;
    await waitFor(() =>
      expect(saved().menu.items[2]!.target).toEqual({
        kind: 'action',
        action: {
          type: 'mini_program',
          appid: 'wx1234567890abcdef',
          pagepath: 'pages/vip',
          url: 'https://shop.example.com/',
        },
      }),
    );

    const event = editor.querySelector<HTMLSelectElement>('select[data-field="items.0.target.items.0.action.event"]')!;
    expect(event.value).toBe('scancode_waitmsg');
    await userEvent.selectOptions(event, 'scancode_push');
    const key = editor.querySelector<HTMLInputElement>('input[data-field="items.0.target.items.0.action.key"]')!;
    await userEvent.clear(key);
    await userEvent.type(key, 'SCAN_PRICE');
    await waitFor(() => {
      const target = saved().menu.items[0]!.target;
      expect(target.kind === 'submenu' && target.items[0]!.action).toEqual({
        type: 'wechat_event',
        event: 'scancode_push',
        key: 'SCAN_PRICE',
      });
    });

    const media = editor.querySelector<HTMLInputElement>('input[data-field="items.1.target.items.0.action.media_id"]')!;
    expect(media.value).toBe('MEDIA_1');
    const article = editor.querySelector<HTMLInputElement>(
      'input[data-field="items.1.target.items.2.action.article_id"]',
    )!;
    expect(article.value).toBe('ARTICLE_1');
  });

  it('on an Alipay account, the issue the core reports shows inline at the button, and the phone marks it', async () => {
    const wechatOnly: Issue = {
      path: 'menu.items.2.target.action',
      key: 'layout.rule.wechat_only',
      params: [['type', 'miniprogram']],
    };
    m.listAccounts.mockResolvedValue([accountItem({ platform: 'alipay' })]);
    m.openLayout.mockResolvedValue(
      designerDraft({ ...empty, menu: shopMenu }, { platform: 'alipay', issues: [wechatOnly] }),
    );
    render(<DesignerScreen />);
    const editor = await screen.findByTestId('menu-editor');
    await waitFor(() => expect(screen.queryAllByTestId('menu-item-editor')).toHaveLength(3));
    const type = editor.querySelector<HTMLSelectElement>('select[data-field="items.2.target.action.type"]')!;
    expect(type.value).toBe('mini_program');
    expect(Array.from(type.options).map((o) => o.value)).not.toContain('wechat_event');
    const picker = type.closest('[data-testid="action-picker"]')!;
    const inline = within(picker as HTMLElement)
      .getAllByTestId('field-issue')
      .at(-1)!;
    expect(inline.textContent).not.toContain('layout.rule');
    expect(inline.querySelector('[data-issue-key]')?.getAttribute('data-issue-key')).toBe('layout.rule.wechat_only');
    expect(within(phone()).getAllByTestId('menu-item')[2]!.getAttribute('data-issue')).toBe('layout.rule.wechat_only');
  });
});
