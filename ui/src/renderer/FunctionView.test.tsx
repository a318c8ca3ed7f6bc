import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import type { Issue, Layout, ModuleKind } from '../shared/model';
import { BottomMenu } from './BottomMenu';
import { everyKindLayout } from './fixtures';
import { FunctionView } from './FunctionView';
import { DEFAULT_SAMPLE } from './template';

const ALL_KINDS: Record<ModuleKind['kind'], true> = {
  profile_card: true,
  statement_list: true,
  reminder: true,
  entry_grid: true,
  banner: true,
  notice: true,
  link_list: true,
  coupon: true,
  pay_button: true,
  search_box: true,
  contact: true,
  spacer: true,
  group: true,
  tabs: true,
  extension_area: true,
  advert_carousel: true,
  marketing_slots: true,
};

function view(
  layout: Layout = everyKindLayout(),
  extra: { issues?: Issue[]; page?: string | null; onBack?: () => void } = {},
) {
  const onAction = vi.fn();
  const utils = render(
    <FunctionView
      layout={layout}
      sample={DEFAULT_SAMPLE}
      page={extra.page ?? null}
      onAction={onAction}
      issues={extra.issues}
      onBack={extra.onBack}
    />,
  );
  return { onAction, ...utils };
}

function moduleEl(container: HTMLElement, id: string): HTMLElement {
  const el = container.querySelector<HTMLElement>(`[data-module-id="${id}"]`);
  if (!el) throw new Error(`no module ${id}`);
  return el;
}

function withModules(...modules: Layout['modules']): Layout {
  return { schema_version: 1, modules, pages: [], menu: { items: [] } };
}

describe('FunctionView', () => {
  it('renders every module kind', () => {
    const { container } = view();
    for (const kind of Object.keys(ALL_KINDS)) {
      expect(container.querySelector(`[data-kind="${kind}"]`), kind).not.toBeNull();
    }
    expect(container.querySelectorAll('.wk-module').length).toBeGreaterThanOrEqual(Object.keys(ALL_KINDS).length);
  });

  it('renders every kind in English too, and an empty layout shows the empty state', async () => {
    await i18n.changeLanguage('en');
    const { container, unmount } = view();
    expect(container.querySelector('[data-kind="contact"]')!.textContent).toContain('Call');
    unmount();
    view(withModules());
    expect(screen.getByText('Nothing on this page yet')).toBeTruthy();
  });

  it('fills templates from the sample and leaves unknown fields as written', () => {
    const layout = everyKindLayout();
    layout.modules.push({
      id: 'typo',
      props: { kind: 'notice', text: '{{subscriber.nmae}} / {{{subscriber.name}}}', action: null },
    });
    const { container } = view(layout);
    const profile = moduleEl(container, 'profile');
    expect(profile.textContent).toContain('张三');
    expect(profile.textContent).toContain('6225 **** **** 8848 · 金卡会员');
    expect(moduleEl(container, 'reminder').textContent).toContain('本期应还 ¥3280.50，最后还款日 6月25日');
    expect(moduleEl(container, 'notice').textContent).toContain('最新订单：已发货');
    expect(moduleEl(container, 'typo').textContent).toBe('{{subscriber.nmae}} / {张三}');
    const statements = within(moduleEl(container, 'statements')).getAllByTestId('wk-statement');
    expect(statements).toHaveLength(3);
    expect(statements[0]!.textContent).toContain('2024年5月');
    expect(statements[0]!.textContent).toContain('¥3280.50');
    expect(statements[1]!.textContent).toContain('2024年4月');
    expect(statements[2]!.textContent).toContain('2024年3月');
  });

  it('calls onAction with the filled action and label on a tap', async () => {
    const { container, onAction } = view();
    const entries = within(moduleEl(container, 'entries')).getAllByTestId('wk-entry');
    await userEvent.click(entries[2]!);
    expect(onAction).toHaveBeenLastCalledWith(
      { type: 'open_url', url: 'https://example.com/installment?uid=2088102146225135' },
      '分期',
    );
    await userEvent.click(entries[1]!);
    expect(onAction).toHaveBeenLastCalledWith({ type: 'send_keyword', keyword: '账单' }, '账单查询');
    await userEvent.click(entries[3]!);
    expect(onAction).toHaveBeenLastCalledWith({ type: 'open_conversation' }, '在线客服');

    await userEvent.click(screen.getByTestId('wk-pay-button'));
    expect(onAction).toHaveBeenLastCalledWith(
      { type: 'pay', amount_template: '3280.50', description: '信用卡还款' },
      '立即还款',
    );

    await userEvent.click(within(moduleEl(container, 'profile')).getByRole('button'));
    expect(onAction).toHaveBeenLastCalledWith({ type: 'open_page', page_id: 'cards' }, '张三');

    await userEvent.click(screen.getByTestId('wk-contact-call'));
    expect(onAction).toHaveBeenLastCalledWith({ type: 'call', phone: '400-123-4567' }, '400-123-4567');
    await userEvent.click(screen.getByTestId('wk-contact-chat'));
    expect(onAction).toHaveBeenLastCalledWith({ type: 'open_conversation' }, '在线咨询');

    await userEvent.click(within(moduleEl(container, 'slots')).getAllByTestId('wk-marketing-item')[1]!);
    expect(onAction).toHaveBeenLastCalledWith({ type: 'open_url', url: 'https://example.com/products/2' }, '精选 2');
  });

  it('does not make a module without an action tappable', () => {
    const { container } = view();
    expect(within(moduleEl(container, 'notice')).queryByRole('button')).toBeNull();
  });

  it('sends what is typed into a search box as a keyword after the prefix', async () => {
    const { onAction } = view();
    const input = screen.getByRole('searchbox');
    await userEvent.type(input, '额度{Enter}');
    expect(onAction).toHaveBeenLastCalledWith({ type: 'send_keyword', keyword: '查询 额度' }, '额度');
    expect((input as HTMLInputElement).value).toBe('');
    onAction.mockClear();
    await userEvent.type(input, '   {Enter}');
    expect(onAction).not.toHaveBeenCalled();
  });

  it('switches tabs and carousel slides', async () => {
    const { container } = view();
    const trips = moduleEl(container, 'trips');
    expect(trips.textContent).toContain('6月18日 MU5101');
    const tabs = within(trips).getAllByRole('tab');
    expect(tabs[0]!.getAttribute('aria-selected')).toBe('true');
    await userEvent.click(tabs[1]!);
    expect(tabs[1]!.getAttribute('aria-selected')).toBe('true');
    expect(trips.textContent).toContain('查看全部行程');
    expect(trips.textContent).not.toContain('MU5101');

    const banner = moduleEl(container, 'banner');
    const track = banner.querySelector<HTMLElement>('.wk-carousel-track')!;
    expect(track.style.transform).toBe('translateX(-0%)');
    await userEvent.click(within(banner).getByRole('button', { name: '第 2 张，共 2 张' }));
    expect(track.style.transform).toBe('translateX(-100%)');
  });

  it('shows the extension area as a frame of its height with the URL host', () => {
    const { container } = view();
    const area = moduleEl(container, 'benefits').querySelector<HTMLElement>('.wk-extension')!;
    expect(area.style.height).toBe('300px');
    expect(area.textContent).toContain('h5.example.com');
    expect(area.textContent).toContain('会员权益');
    expect(area.querySelector('iframe')).toBeNull();
  });

  it('lays out an entry grid in the given number of columns', () => {
    const layout = withModules({
      id: 'g',
      props: {
        kind: 'entry_grid',
        title: '服务',
        columns: 3,
        entries: [{ label: 'A', icon: 'card', action: { type: 'open_conversation' } }],
      },
    });
    const { container } = view(layout);
    const grid = container.querySelector<HTMLElement>('.wk-grid')!;
    expect(grid.style.gridTemplateColumns).toBe('repeat(3, minmax(0, 1fr))');
  });

  it('shows markup in texts as literal text', () => {
    const script = '<script>alert(1)</script>';
    const img = '<img src=x onerror=alert(1)>';
    const layout = withModules(
      { id: 'a', props: { kind: 'notice', text: script, action: null } },
      {
        id: 'b',
        props: {
          kind: 'reminder',
          title: img,
          text: `${img}{{subscriber.name}}`,
          action: { type: 'send_keyword', keyword: img },
        },
      },
      {
        id: 'c',
        props: {
          kind: 'link_list',
          title: script,
          links: [{ label: img, action: { type: 'open_url', url: 'https://example.com' } }],
        },
      },
    );
    const { container, onAction } = view(layout);
    expect(moduleEl(container, 'a').textContent).toBe(script);
    expect(moduleEl(container, 'b').textContent).toContain(`${img}张三`);
    expect(moduleEl(container, 'c').textContent).toContain(script);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    fireEvent.click(within(moduleEl(container, 'b')).getByRole('button'));
    expect(onAction).toHaveBeenCalledWith({ type: 'send_keyword', keyword: img }, img);
  });

  it('uses only https URLs as image sources, with a placeholder otherwise', () => {
    const image = (url: string) => ({ url, width: 750, height: 300 });
    const layout = withModules({
      id: 'banner',
      props: {
        kind: 'banner',
        slides: [
          { image: image('http://example.com/plain.jpg'), action: null },
          { image: image('javascript:alert(1)'), action: null },
          { image: image('data:image/png;base64,AAAA'), action: null },
          { image: image(''), action: null },
          { image: image('//example.com/protocol-relative.jpg'), action: null },
          { image: image('https://example.com/ok.jpg?uid={{subscriber.id}}'), action: null },
        ],
      },
    });
    const { container } = view(layout);
    const imgs = Array.from(container.querySelectorAll('img'));
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual(['https://example.com/ok.jpg?uid=2088102146225135']);
    expect(imgs[0]!.getAttribute('alt')).toBe('第 6 张，共 6 张');
    expect(container.querySelectorAll('.wk-img-placeholder')).toHaveLength(5);
    expect(container.querySelector('a')).toBeNull();
  });

  it('replaces an image that fails to load with the placeholder', () => {
    const { container } = view(
      withModules({
        id: 'ad',
        props: {
          kind: 'advert_carousel',
          items: [
            { image: { url: 'https://example.com/a.jpg', width: 996, height: 240 }, link_url: 'https://example.com/p' },
          ],
        },
      }),
    );
    const img = container.querySelector('img')!;
    fireEvent.error(img);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.wk-img-placeholder')).not.toBeNull();
  });

  it('outlines the modules that issues name, and only those', () => {
    const issues: Issue[] = [
      { path: 'modules.3.props.entries.0.icon', key: 'layout.module.required', params: [] },
      {
        path: 'modules.12.props.children.0.props.text',
        key: 'layout.template.unknown_field',
        params: [['field', 'x.y']],
      },
      { path: 'modules.13.props.tabs.1.label', key: 'layout.module.required', params: [] },
      { path: 'pages.0.modules.0', key: 'layout.id.duplicate', params: [] },
    ];
    const { container, unmount } = view(everyKindLayout(), { issues });
    expect(moduleEl(container, 'entries').getAttribute('data-issue')).toBe('layout.module.required');
    expect(moduleEl(container, 'entries').classList.contains('wk-has-issue')).toBe(true);
    expect(moduleEl(container, 'member').getAttribute('data-issue')).toBeNull();
    expect(moduleEl(container, 'member_notice').getAttribute('data-issue')).toBe('layout.template.unknown_field');
    expect(moduleEl(container, 'trips').getAttribute('data-issue')).toBe('layout.module.required');
    expect(moduleEl(container, 'profile').hasAttribute('data-issue')).toBe(false);
    expect(container.querySelectorAll('[data-issue]')).toHaveLength(3);
    unmount();
    const page = view(everyKindLayout(), { issues, page: 'cards' });
    expect(moduleEl(page.container, 'card_links').getAttribute('data-issue')).toBe('layout.id.duplicate');
  });

  it('shows a page with a back arrow, and says when the page does not exist', async () => {
    const onBack = vi.fn();
    const { container, unmount } = view(everyKindLayout(), { page: 'cards', onBack });
    expect(container.textContent).toContain('修改密码');
    expect(container.querySelector('[data-module-id="profile"]')).toBeNull();
    expect(screen.getByRole('heading', { name: '卡片管理' })).toBeTruthy();
    await userEvent.click(screen.getByTestId('page-back'));
    expect(onBack).toHaveBeenCalledTimes(1);
    unmount();
    view(everyKindLayout(), { page: 'nope' });
    expect(screen.getByText('这个页面不存在')).toBeTruthy();
  });
});

describe('BottomMenu', () => {
  const menu = everyKindLayout().menu;

  it('calls onAction for a main item with its id', async () => {
    const onAction = vi.fn();
    render(<BottomMenu menu={menu} onAction={onAction} sample={DEFAULT_SAMPLE} />);
    const items = screen.getAllByTestId('menu-item');
    expect(items.map((i) => i.textContent)).toEqual(['账单', '还款', '更多']);
    await userEvent.click(items[0]!);
    expect(onAction).toHaveBeenLastCalledWith({ type: 'send_keyword', keyword: '账单' }, '账单', 'bill');
    await userEvent.click(items[1]!);
    expect(onAction).toHaveBeenLastCalledWith(
      { type: 'pay', amount_template: '3280.50', description: '信用卡还款' },
      '还款',
      'repay',
    );
    expect(screen.queryByTestId('submenu')).toBeNull();
  });

  it('opens a submenu above its item; a sub-item calls onAction and closes it', async () => {
    const onAction = vi.fn();
    render(<BottomMenu menu={menu} onAction={onAction} />);
    const more = screen.getAllByTestId('menu-item')[2]!;
    await userEvent.click(more);
    expect(more.getAttribute('aria-expanded')).toBe('true');
    const popup = screen.getByTestId('submenu');
    expect(more.parentElement!.contains(popup)).toBe(true);
    const subs = within(popup).getAllByTestId('submenu-item');
    expect(subs.map((s) => s.textContent)).toEqual(['卡片管理', '客服热线', '在线客服']);
    expect(onAction).not.toHaveBeenCalled();
    await userEvent.click(subs[1]!);
    expect(onAction).toHaveBeenCalledWith({ type: 'call', phone: '400-123-4567' }, '客服热线', 'more_hotline');
    expect(screen.queryByTestId('submenu')).toBeNull();
  });

  it('closes the submenu on a second tap, on Escape and on a tap outside', async () => {
    render(
      <div>
        <p>outside</p>
        <BottomMenu menu={menu} onAction={vi.fn()} />
      </div>,
    );
    const more = screen.getAllByTestId('menu-item')[2]!;
    await userEvent.click(more);
    await userEvent.click(more);
    expect(screen.queryByTestId('submenu')).toBeNull();
    await userEvent.click(more);
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('submenu')).toBeNull();
    await userEvent.click(more);
    await userEvent.click(screen.getByText('outside'));
    expect(screen.queryByTestId('submenu')).toBeNull();
  });

  it('outlines menu items that issues name', async () => {
    const issues: Issue[] = [
      { path: 'menu.items.0.label', key: 'layout.menu.label.too_long', params: [] },
      { path: 'menu.items.2.target.items.1.action.phone', key: 'layout.module.required', params: [] },
    ];
    render(<BottomMenu menu={menu} onAction={vi.fn()} issues={issues} />);
    const items = screen.getAllByTestId('menu-item');
    expect(items[0]!.getAttribute('data-issue')).toBe('layout.menu.label.too_long');
    expect(items[2]!.hasAttribute('data-issue')).toBe(false);
    await userEvent.click(items[2]!);
    const subs = screen.getAllByTestId('submenu-item');
    expect(subs[1]!.getAttribute('data-issue')).toBe('layout.module.required');
    expect(subs[0]!.hasAttribute('data-issue')).toBe(false);
  });

  it('renders nothing for an empty menu', () => {
    const { container } = render(<BottomMenu menu={{ items: [] }} onAction={vi.fn()} />);
    expect(container.innerHTML).toBe('');
  });
});
