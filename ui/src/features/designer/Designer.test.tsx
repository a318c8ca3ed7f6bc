import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../platform';
import type { Layout } from '../../shared/model';
import {
  accountItem,
  designerDraft,
  emitLayoutChanged,
  EMPTY_LAYOUT,
  platformMocks as m,
  resetPlatformMocks,
} from '../../test/platformMock';
import { DesignerScreen } from './Designer';
import { serializeHistory, initialState, reducer } from './state';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

const notices: Layout = {
  schema_version: 1,
  modules: [
    { id: 'n1', props: { kind: 'notice', text: '第一条', action: null } },
    { id: 'n2', props: { kind: 'notice', text: '', action: null } },
  ],
  pages: [],
  menu: {
    items: [
      { id: 'bill', label: '账单', target: { kind: 'action', action: { type: 'send_keyword', keyword: '账单' } } },
    ],
  },
};

beforeEach(() => {
  resetPlatformMocks();
  window.localStorage.clear();
  m.listAccounts.mockResolvedValue([accountItem()]);
});

async function renderDesigner(layout: Layout = notices, overrides: Parameters<typeof designerDraft>[1] = {}) {
  m.openLayout.mockResolvedValue(designerDraft(layout, overrides));
  render(<DesignerScreen />);
  await screen.findByTestId('designer');
  await waitFor(() =>
    expect(screen.getAllByTestId('outline-item').length + (layout.modules.length === 0 ? 1 : 0)).toBeGreaterThan(0),
  );
}

const outlineIds = () => screen.queryAllByTestId('outline-item').map((row) => row.getAttribute('data-module-id'));
const designer = () => screen.getByTestId('designer');

describe('designer', () => {
  it('opens the chosen account’s draft with the phone, palette, outline and menu editor', async () => {
    await renderDesigner();
    expect(m.openLayout).toHaveBeenCalledWith('acc-1');
    expect(m.loadDesignerHistory).toHaveBeenCalledWith('acc-1');
    expect(outlineIds()).toEqual(['n1', 'n2']);
    const phone = screen.getByTestId('phone');
    expect(within(phone).getByText('第一条')).toBeTruthy();
    expect(
      within(phone)
        .getAllByTestId('menu-item')
        .map((b) => b.textContent),
    ).toEqual(['账单']);
    expect(screen.getByTestId('menu-editor')).toBeTruthy();
    expect(screen.getAllByTestId('palette-item').length).toBe(4);
  });

  it('shows an issue inline next to its field, and the counts', async () => {
    const issue = { path: 'modules.1.props.text', key: 'layout.module.required', params: [] as [string, string][] };
    await renderDesigner(notices, { issues: [issue] });
    expect(screen.getByTestId('issue-count').textContent).toBe('1 个问题');
    // The phone outlines the module the issue names.
    expect(screen.getByTestId('phone').querySelector('[data-module-id="n2"]')?.getAttribute('data-issue')).toBe(
      'layout.module.required',
    );

    await userEvent.click(screen.getAllByTestId('outline-item')[1]!);
    const inspector = screen.getByTestId('inspector');
    const field = inspector.querySelector<HTMLTextAreaElement>('[data-field="text"]')!;
    expect(field.getAttribute('aria-invalid')).toBe('true');
    const inline = field.parentElement!.querySelector('[data-testid="field-issue"]');
    expect(inline?.textContent).toBe('此项必填。');
    expect(within(inspector).getByTestId('inspector-issues').textContent).toBe('1 个问题');

    // The other module has none.
    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    expect(within(screen.getByTestId('inspector')).queryAllByTestId('field-issue')).toHaveLength(0);
  });

  it('filters the palette by what is typed in its search', async () => {
    await renderDesigner();
    await userEvent.type(screen.getByTestId('palette-search'), '扩展');
    expect(screen.getAllByTestId('palette-item').map((b) => b.getAttribute('data-kind'))).toEqual(['extension_area']);
    await userEvent.clear(screen.getByTestId('palette-search'));
    await userEvent.type(screen.getByTestId('palette-search'), 'zzz');
    expect(screen.queryAllByTestId('palette-item')).toHaveLength(0);
  });

  it('adds from the palette after the selection, and Ctrl+Z / Ctrl+Shift+Z undo and redo it', async () => {
    await renderDesigner();
    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    await userEvent.click(screen.getAllByTestId('palette-item').find((b) => b.getAttribute('data-kind') === 'spacer')!);
    expect(outlineIds()).toEqual(['n1', 'spacer', 'n2']);

    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    expect(outlineIds()).toEqual(['n1', 'n2']);
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true, shiftKey: true });
    expect(outlineIds()).toEqual(['n1', 'spacer', 'n2']);
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    fireEvent.keyDown(designer(), { key: 'y', ctrlKey: true });
    expect(outlineIds()).toEqual(['n1', 'spacer', 'n2']);
  });

  it('typing in a field is one undo step, and the phone follows every keystroke', async () => {
    await renderDesigner();
    await userEvent.click(screen.getAllByTestId('outline-item')[1]!);
    const field = screen.getByTestId('inspector').querySelector<HTMLTextAreaElement>('[data-field="text"]')!;
    await userEvent.type(field, 'hello');
    expect(within(screen.getByTestId('phone')).getByText('hello')).toBeTruthy();
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    expect(within(screen.getByTestId('phone')).queryByText('hello')).toBeNull();
    expect(screen.getByTestId('undo')).toHaveProperty('disabled', true);
  });

  it('autosaves the layout (debounced) and keeps the undo history', async () => {
    await renderDesigner();
    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    fireEvent.keyDown(designer(), { key: 'Delete' });
    expect(outlineIds()).toEqual(['n2']);
    await waitFor(() => expect(m.saveLayout).toHaveBeenCalledTimes(1));
    expect(m.saveLayout.mock.calls[0]![1].modules.map((x: { id: string }) => x.id)).toEqual(['n2']);
    await waitFor(() => expect(screen.getByTestId('save-state').textContent).toBe('已保存在本机 · 等待同步'));
    await waitFor(() => expect(m.saveDesignerHistory).toHaveBeenCalled(), { timeout: 2000 });
    const stored = JSON.parse(m.saveDesignerHistory.mock.calls.at(-1)![1] as string) as { past: Layout[] };
    expect(stored.past).toHaveLength(1);
  });

  it('saves an undo that lands while the previous save is still on its way', async () => {
    await renderDesigner();
    let finishFirst: () => void = () => undefined;
    m.saveLayout.mockImplementationOnce(
      (accountId: string, layout: Layout) =>
        new Promise((resolve) => {
          finishFirst = () => resolve(designerDraft(layout, { account_id: accountId }));
        }),
    );
    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    fireEvent.keyDown(designer(), { key: 'Delete' });
    await waitFor(() => expect(m.saveLayout).toHaveBeenCalledTimes(1));
    // The delete's save has not answered yet when the person undoes it.
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    expect(outlineIds()).toEqual(['n1', 'n2']);
    await act(async () => finishFirst());
    await waitFor(() => expect(m.saveLayout).toHaveBeenCalledTimes(2));
    const last = m.saveLayout.mock.calls[1]![1] as Layout;
    expect(last.modules.map((x) => x.id)).toEqual(['n1', 'n2']);
  });

  it('an undo and a redo within the autosave pause leave the redone layout saved, not the one between', async () => {
    await renderDesigner();
    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    fireEvent.keyDown(designer(), { key: 'Delete' });
    await waitFor(() => expect(m.saveLayout).toHaveBeenCalledTimes(1));
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true, shiftKey: true });
    expect(outlineIds()).toEqual(['n2']);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const saves = m.saveLayout.mock.calls.map((call) => (call[1] as Layout).modules.map((x) => x.id));
    expect(saves.at(-1)).toEqual(['n2']);
  });

  it('restores the undo history saved last time', async () => {
    const before = reducer(initialState(notices), { type: 'remove', id: 'n2' });
    m.loadDesignerHistory.mockResolvedValue(serializeHistory(before, null));
    await renderDesigner(before.layout);
    expect(outlineIds()).toEqual(['n1']);
    await userEvent.click(screen.getByTestId('undo'));
    expect(outlineIds()).toEqual(['n1', 'n2']);
  });

  it('duplicates (Ctrl+D), copies and pastes (Ctrl+C / Ctrl+V) with fresh ids, and moves with Alt+arrows', async () => {
    await renderDesigner();
    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    fireEvent.keyDown(designer(), { key: 'd', ctrlKey: true });
    expect(outlineIds()).toEqual(['n1', 'n1-2', 'n2']);
    fireEvent.keyDown(designer(), { key: 'c', ctrlKey: true });
    fireEvent.keyDown(designer(), { key: 'v', ctrlKey: true });
    expect(outlineIds()).toEqual(['n1', 'n1-2', 'n1-3', 'n2']);
    fireEvent.keyDown(designer(), { key: 'ArrowDown', altKey: true });
    expect(outlineIds()).toEqual(['n1', 'n1-2', 'n2', 'n1-3']);
    expect(JSON.parse(window.localStorage.getItem('wicket.designer.clipboard') ?? '[]')).toHaveLength(1);
  });

  it('a tap in the phone selects the module and says what the action would do', async () => {
    await renderDesigner();
    await userEvent.click(within(screen.getByTestId('phone')).getByText('账单'));
    expect(screen.getByTestId('toast').textContent).toBe('将发送关键词“账单”');
    await userEvent.click(within(screen.getByTestId('phone')).getByText('第一条'));
    expect(screen.getByTestId('inspector')).toBeTruthy();
    expect(screen.getAllByTestId('outline-item')[0]!.getAttribute('aria-selected')).toBe('true');
  });

  it('replaces the layout from a template after confirming, as one undo step', async () => {
    m.layoutTemplates.mockResolvedValue([
      {
        id: 'coffee',
        name: { zh_cn: '咖啡店', en: 'Coffee shop' },
        description: { zh_cn: '点单与会员', en: 'Orders and members' },
        layout: { ...EMPTY_LAYOUT, modules: [{ id: 'hello', props: { kind: 'spacer', height: 8 } }] },
      },
    ]);
    await renderDesigner();
    await userEvent.click(screen.getByTestId('templates'));
    await userEvent.click(await screen.findByText('咖啡店'));
    expect(screen.getByTestId('template-confirm-text').textContent).toContain('咖啡店');
    await userEvent.click(screen.getByTestId('template-confirm'));
    expect(outlineIds()).toEqual(['hello']);
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    expect(outlineIds()).toEqual(['n1', 'n2']);
  });

  it('shows what publishing refused, and the published version', async () => {
    m.publishLayout.mockRejectedValueOnce(
      new AppError('invalid', 'invalid', [
        {
          path: 'menu.items',
          key: 'layout.menu.too_many_items',
          params: [
            ['max', '3'],
            ['actual', '4'],
          ],
        },
      ]),
    );
    await renderDesigner();
    await userEvent.click(screen.getByTestId('publish'));
    expect((await screen.findByTestId('issues-dialog')).textContent).toContain('此平台主菜单最多 3 个（现有 4 个）');
    await userEvent.click(within(screen.getByTestId('issues-dialog')).getByText('关闭'));

    m.publishLayout.mockResolvedValueOnce(designerDraft(notices, { publish: { state: 'published', version: 7 } }));
    await userEvent.click(screen.getByTestId('publish'));
    expect((await screen.findByTestId('publish-state')).textContent).toBe('已发布版本 7');
  });

  it('imports a WeChat menu; on an error nothing changes', async () => {
    m.importWechatMenu.mockRejectedValueOnce(new AppError('invalid', 'not a menu'));
    await renderDesigner();
    await userEvent.click(screen.getByTestId('menu-import'));
    await userEvent.type(screen.getByTestId('import-menu-text'), 'nonsense');
    await userEvent.click(screen.getByTestId('import-menu-run'));
    expect(await screen.findByTestId('import-menu-error')).toBeTruthy();
    expect(screen.getByTestId('undo')).toHaveProperty('disabled', true);

    m.importWechatMenu.mockResolvedValueOnce({
      menu: {
        items: [
          {
            id: 'w1',
            label: '官网',
            target: { kind: 'action', action: { type: 'open_url', url: 'https://example.com' } },
          },
        ],
      },
      notices: [],
    });
    await userEvent.click(screen.getByTestId('import-menu-run'));
    await waitFor(() => expect(screen.queryByTestId('import-menu-dialog')).toBeNull());
    expect(
      within(screen.getByTestId('phone'))
        .getAllByTestId('menu-item')
        .map((b) => b.textContent),
    ).toEqual(['官网']);
  });

  it('on a conflict shows a banner and both versions, and keeps mine only when asked', async () => {
    const theirs: Layout = { ...notices, modules: [notices.modules[0]!] };
    await renderDesigner(notices, {
      sync: 'conflict',
      conflict: { theirs, their_revision: 5, updated_by: '王芳', updated_at: null },
    });
    expect(screen.getByTestId('conflict-banner').textContent).toContain('王芳');
    const dialog = await screen.findByTestId('conflict-dialog');
    expect(m.resolveLayoutConflict).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByTestId('keep-mine'));
    await waitFor(() => expect(m.resolveLayoutConflict).toHaveBeenCalledWith('acc-1', notices));
  });

  it('follows the core’s layout events for its account only', async () => {
    await renderDesigner();
    m.openLayout.mockClear();
    emitLayoutChanged('other');
    expect(m.openLayout).not.toHaveBeenCalled();
    m.openLayout.mockResolvedValue(designerDraft(notices, { publish: { state: 'queued' } }));
    emitLayoutChanged('acc-1');
    await waitFor(() => expect(screen.getByTestId('publish-state').textContent).toBe('发布已排队'));
    await act(async () => undefined);
  });

  it('shows a colleague’s newer layout the core took, and every later save names the revision it was made on', async () => {
    await renderDesigner(notices, { loaded_revision: 3 });
    const theirs: Layout = {
      ...notices,
      modules: [...notices.modules, { id: 'c1', props: { kind: 'notice', text: '同事的公告', action: null } }],
    };
    m.openLayout.mockResolvedValue(designerDraft(theirs, { base_revision: 4, loaded_revision: 4, loaded_by: '王芳' }));
    emitLayoutChanged('acc-1');
    await waitFor(() => expect(outlineIds()).toEqual(['n1', 'n2', 'c1']));
    expect(screen.getByTestId('designer-info').textContent).toContain('王芳');
    expect(m.saveLayout).not.toHaveBeenCalled();

    // The next edit builds on their layout, and says so.
    await userEvent.click(within(screen.getByTestId('phone')).getByText('同事的公告'));
    fireEvent.keyDown(designer(), { key: 'd', ctrlKey: true });
    await waitFor(() => expect(m.saveLayout).toHaveBeenCalledTimes(1));
    const [, saved, editedOn] = m.saveLayout.mock.calls[0]! as [string, Layout, number];
    expect(editedOn).toBe(4);
    expect(saved.modules.filter((x) => x.props.kind === 'notice' && x.props.text === '同事的公告').length).toBe(2);
  });

  it('an edit still waiting when a colleague’s layout arrives is saved on the old revision, and the conflict is shown', async () => {
    await renderDesigner(notices, { loaded_revision: 3 });
    await userEvent.click(within(screen.getByTestId('phone')).getByText('第一条'));
    fireEvent.keyDown(designer(), { key: 'd', ctrlKey: true });
    const theirs: Layout = { ...notices, modules: [notices.modules[0]!] };
    m.saveLayout.mockImplementation(async (_id: string, layout: Layout) =>
      designerDraft(layout, {
        sync: 'conflict',
        loaded_revision: 4,
        conflict: { theirs, their_revision: 4, updated_by: '王芳', updated_at: null },
      }),
    );
    m.openLayout.mockResolvedValue(designerDraft(theirs, { base_revision: 4, loaded_revision: 4, loaded_by: '王芳' }));
    emitLayoutChanged('acc-1');
    await waitFor(() => expect(m.saveLayout).toHaveBeenCalledTimes(1));
    expect(m.saveLayout.mock.calls[0]![2]).toBe(3);
    expect((m.saveLayout.mock.calls[0]![1] as Layout).modules.length).toBe(3);
    await screen.findByTestId('conflict-dialog');
    expect(outlineIds().length).toBe(3);
  });

  it('saves the exported menu through the native save dialog, and says where or why not', async () => {
    await renderDesigner();
    await userEvent.click(screen.getByTestId('menu-export'));
    const dialog = await screen.findByTestId('export-menu-dialog');
    await waitFor(() =>
      expect((within(dialog).getByTestId('export-menu-json') as HTMLTextAreaElement).value).toContain('button'),
    );

    // Cancelled: nothing written, nothing said.
    await userEvent.click(within(dialog).getByTestId('export-menu-save'));
    await waitFor(() => expect(m.pickSavePath).toHaveBeenCalledTimes(1));
    expect(m.exportMenuFile).not.toHaveBeenCalled();
    expect(within(dialog).queryByTestId('export-menu-saved')).toBeNull();

    m.pickSavePath.mockResolvedValueOnce('/home/staff/menu-alipay.json');
    await userEvent.click(within(dialog).getByTestId('export-menu-save'));
    expect((await within(dialog).findByTestId('export-menu-saved')).textContent).toContain(
      '/home/staff/menu-alipay.json',
    );
    expect(m.pickSavePath).toHaveBeenLastCalledWith('menu-alipay.json', expect.any(Array));
    expect(m.exportMenuFile).toHaveBeenCalledWith('/home/staff/menu-alipay.json', notices, 'alipay');

    m.pickSavePath.mockResolvedValueOnce('/read-only/menu-alipay.json');
    m.exportMenuFile.mockRejectedValueOnce(
      new AppError('storage', 'cannot save /read-only/menu-alipay.json: permission denied'),
    );
    await userEvent.click(within(dialog).getByTestId('export-menu-save'));
    expect((await within(dialog).findByTestId('export-menu-error')).textContent).toContain('菜单未能保存');
    expect(within(dialog).queryByTestId('export-menu-saved')).toBeNull();
  });

  it('adds a page, names it, shows it on the phone, and a menu item can open it; deleting asks first and undo brings it back', async () => {
    await renderDesigner();
    const pagesEditor = screen.getByTestId('pages-editor');
    await userEvent.click(within(pagesEditor).getByTestId('page-add'));
    const row = within(pagesEditor).getByTestId('page-row');
    expect(row.getAttribute('data-page-id')).toBe('page-1');
    // The phone now shows the new (empty) page, and the picker says so.
    expect((screen.getByTestId('page-picker') as HTMLSelectElement).value).toBe('page-1');
    expect(screen.getByTestId('phone').querySelector('[data-module-id="n1"]')).toBeNull();

    const title = row.querySelector<HTMLInputElement>('input[data-field="title"]')!;
    await userEvent.clear(title);
    await userEvent.type(title, '积分商城');
    expect(Array.from((screen.getByTestId('page-picker') as HTMLSelectElement).options, (o) => o.textContent)).toEqual([
      '首页',
      '积分商城',
    ]);

    // A menu item's "open page" action offers it.
    const action = screen
      .getByTestId('menu-editor')
      .querySelector<HTMLSelectElement>('select[data-field$="action.type"]')!;
    await userEvent.selectOptions(action, 'open_page');
    const pagePick = screen
      .getByTestId('menu-editor')
      .querySelector<HTMLSelectElement>('select[data-field$="page_id"]')!;
    expect(Array.from(pagePick.options, (o) => o.textContent)).toContain('积分商城');

    await waitFor(() => expect(m.saveLayout).toHaveBeenCalled());
    const savedLayout = m.saveLayout.mock.calls.at(-1)![1] as Layout;
    expect(savedLayout.pages).toEqual([{ id: 'page-1', title: '积分商城', modules: [] }]);

    await userEvent.click(within(row).getByTestId('page-remove'));
    expect(within(pagesEditor).getAllByTestId('page-row')).toHaveLength(1);
    await userEvent.click(within(row).getByTestId('page-confirm-remove'));
    expect(within(pagesEditor).queryAllByTestId('page-row')).toHaveLength(0);
    expect((screen.getByTestId('page-picker') as HTMLSelectElement).value).toBe('');
    expect(screen.getByTestId('phone').querySelector('[data-module-id="n1"]')).not.toBeNull();
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    expect(within(screen.getByTestId('pages-editor')).getAllByTestId('page-row')).toHaveLength(1);
  });

  it('inserts a subscriber field at the cursor of a module text, as one undo step', async () => {
    await renderDesigner();
    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    const inspector = screen.getByTestId('inspector');
    const text = inspector.querySelector<HTMLTextAreaElement>('[data-field="text"]')!;
    text.focus();
    text.setSelectionRange(1, 1);
    const picker = await within(inspector).findByTestId('field-picker');
    expect(Array.from((picker as HTMLSelectElement).options, (o) => o.textContent)).toContain(
      '用户姓名 · {{subscriber.name}}',
    );
    await userEvent.selectOptions(picker, 'subscriber.name');
    expect(text.value).toBe('第{{subscriber.name}}一条');
    // The phone fills it from the sample subscriber.
    expect(within(screen.getByTestId('phone')).getByText(/第.+一条/).textContent).not.toContain('{{');
    fireEvent.keyDown(designer(), { key: 'z', ctrlKey: true });
    expect(inspector.querySelector<HTMLTextAreaElement>('[data-field="text"]')!.value).toBe('第一条');
    // Menu labels take no fields (the platforms show them as typed).
    fireEvent.keyDown(designer(), { key: 'Escape' });
    expect(screen.getByTestId('menu-editor').querySelector('[data-testid="field-picker"]')).toBeNull();
  });

  it('folds a container in the outline (its problems still counted), and opens it when its child is selected on the phone', async () => {
    const grouped: Layout = {
      ...notices,
      modules: [
        {
          id: 'g1',
          props: {
            kind: 'group',
            title: '账单',
            children: [{ id: 'inner', props: { kind: 'notice', text: '里面', action: null } }],
          },
        },
        { id: 'n1', props: { kind: 'notice', text: '外面', action: null } },
      ],
    };
    const issue = {
      path: 'modules.0.props.children.0.props.text',
      key: 'layout.module.required',
      params: [] as [string, string][],
    };
    await renderDesigner(grouped, { issues: [issue] });
    expect(outlineIds()).toEqual(['g1', 'inner', 'n1']);
    const groupRow = () =>
      screen.getAllByTestId('outline-item').find((r) => r.getAttribute('data-module-id') === 'g1')!;
    expect(groupRow().getAttribute('aria-expanded')).toBe('true');
    expect(groupRow().querySelector('.dz-issue-dot')).toBeNull();

    await userEvent.click(within(groupRow()).getByTestId('outline-toggle'));
    expect(outlineIds()).toEqual(['g1', 'n1']);
    expect(groupRow().getAttribute('aria-expanded')).toBe('false');
    expect(groupRow().querySelector('.dz-issue-dot')?.textContent).toBe('1');
    expect(screen.getByTestId('menu-editor')).toBeTruthy();

    // The keyboard: right opens, left closes.
    fireEvent.keyDown(groupRow(), { key: 'ArrowRight' });
    expect(outlineIds()).toEqual(['g1', 'inner', 'n1']);
    fireEvent.keyDown(groupRow(), { key: 'ArrowLeft' });
    expect(outlineIds()).toEqual(['g1', 'n1']);

    // Selected on the phone, the hidden child shows in the outline again.
    await userEvent.click(screen.getByTestId('phone').querySelector('[data-module-id="inner"]')!);
    expect(outlineIds()).toEqual(['g1', 'inner', 'n1']);
  });

  it('for a role without design rights, shows the layout and changes nothing', async () => {
    m.openLayout.mockResolvedValue(designerDraft(notices));
    render(<DesignerScreen canDesign={false} />);
    await screen.findByTestId('designer');
    await waitFor(() => expect(outlineIds()).toEqual(['n1', 'n2']));
    expect(screen.getByTestId('designer-read-only').textContent).toContain('只供查看');
    expect(screen.getByTestId('publish')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('templates')).toHaveProperty('disabled', true);

    await userEvent.click(screen.getAllByTestId('outline-item')[0]!);
    expect(screen.getByTestId('inspector')).toBeTruthy();
    fireEvent.keyDown(designer(), { key: 'Delete' });
    expect(outlineIds()).toEqual(['n1', 'n2']);
    const field = screen.getByTestId('inspector').querySelector<HTMLTextAreaElement>('[data-field="text"]')!;
    await userEvent.type(field, 'x');
    expect(field.value).toBe('第一条');
    await new Promise((r) => setTimeout(r, 600));
    expect(m.saveLayout).not.toHaveBeenCalled();
  });
});
