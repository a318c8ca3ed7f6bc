import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import { AppError } from '../../platform';
import { platformMocks as m, resetPlatformMocks } from '../../test/platformMock';
import type { Menu } from '../../shared/model';
import { ImportMenuDialog } from './ImportMenuDialog';

vi.mock('../../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../platform')>()),
  ...(await import('../../test/platformMock')).platformMocks,
}));

beforeEach(() => {
  resetPlatformMocks();
});

/** Pastes `text` into the dialog and runs the import. */
async function importText(text: string) {
  render(<ImportMenuDialog onImport={vi.fn()} onClose={vi.fn()} />);
  await userEvent.click(screen.getByTestId('import-menu-text'));
  await userEvent.paste(text);
  await userEvent.click(screen.getByTestId('import-menu-run'));
  return (await screen.findByTestId('import-menu-error')).textContent ?? '';
}

// The errors as the core sends them (crates/model/src/layout/platform_menu.rs).
const notJson = new AppError('invalid', ': layout.import.not_json', [
  {
    path: '',
    key: 'layout.import.not_json',
    params: [
      ['line', '3'],
      ['column', '14'],
    ],
  },
]);
const unsupported = new AppError('invalid', 'button.0.type: layout.import.button.unsupported_type', [
  { path: 'button.0.type', key: 'layout.import.button.unsupported_type', params: [['type', 'pic_weixin']] },
]);

describe('importing a WeChat menu that the core refuses', () => {
  it('says where the JSON breaks, in Chinese', async () => {
    m.importWechatMenu.mockRejectedValueOnce(notJson);
    const shown = await importText('{"button": [');
    expect(m.importWechatMenu).toHaveBeenCalledWith('{"button": [');
    expect(shown).toBe('这不是 JSON：第 3 行第 14 列出错。');
    expect(shown).not.toContain('layout.import');
  });

  it('names the button type it cannot bring in, in English too', async () => {
    await i18n.changeLanguage('en');
    try {
      m.importWechatMenu.mockRejectedValueOnce(unsupported);
      expect(await importText('{"button": [{"type": "pic_weixin", "name": "拍照"}]}')).toBe(
        'Wicket cannot bring in buttons of type “pic_weixin”.',
      );
    } finally {
      await i18n.changeLanguage('zh-CN');
    }
  });

  it('shows a platform length with its unit in the reader’s language', async () => {
    m.importWechatMenu.mockRejectedValueOnce(
      new AppError('invalid', 'too long', [
        {
          path: 'menu.items.0.label',
          key: 'layout.menu.label.too_long',
          params: [
            ['max', '16'],
            ['actual', '20'],
            ['unit', 'gbk_bytes'],
          ],
        },
      ]),
    );
    expect(await importText('{"button": []}')).toBe('菜单名称超出平台限制：最多 16 字节（GBK）（现有 20）。');
  });
});

describe('choosing the menu’s file', () => {
  const menuFile = '{"button": [{"type": "click", "name": "今日歌曲", "key": "V1001_TODAY_MUSIC"}]}';

  /** The dialog's file picker as the staff sees it: the button, the name shown, the hidden input. */
  function picker() {
    render(<ImportMenuDialog onImport={vi.fn()} onClose={vi.fn()} />);
    return {
      button: screen.getByTestId('import-menu-choose'),
      name: screen.getByTestId('import-menu-file-name'),
      input: screen.getByTestId<HTMLInputElement>('import-menu-file'),
    };
  }

  it('is a translated button in Chinese, not the webview’s “Choose File”', () => {
    const { button, name, input } = picker();
    expect(button.textContent).toBe('选择文件…');
    expect(name.textContent).toBe('未选择文件');
    expect(screen.getByRole('group', { name: '从文件' }).contains(button)).toBe(true);
    expect(screen.getByRole('button', { name: '选择文件…', description: '未选择文件' })).toBe(button);
    expect(document.body.textContent).not.toMatch(/Choose File|no file selected/i);
    // The input is out of the tab order and of the accessibility tree; the button is what is reached.
    expect(input.classList.contains('visually-hidden')).toBe(true);
    expect(input.getAttribute('aria-hidden')).toBe('true');
    expect(input.tabIndex).toBe(-1);
    expect(input.type).toBe('file');
  });

  it('is translated in English too', async () => {
    await i18n.changeLanguage('en');
    try {
      const { button, name } = picker();
      expect(button.textContent).toBe('Choose a file…');
      expect(name.textContent).toBe('No file chosen');
      expect(screen.getByRole('group', { name: 'From a file' }).contains(button)).toBe(true);
      expect(document.body.textContent).not.toMatch(/Choose File|no file selected/);
    } finally {
      await i18n.changeLanguage('zh-CN');
    }
  });

  it('opens the file chooser from the keyboard', async () => {
    const { button, input } = picker();
    const opened = vi.spyOn(input, 'click').mockImplementation(() => undefined);
    button.focus();
    expect(document.activeElement).toBe(button);
    await userEvent.keyboard('{Enter}');
    expect(opened).toHaveBeenCalledTimes(1);
    await userEvent.keyboard(' ');
    expect(opened).toHaveBeenCalledTimes(2);
  });

  it('loads the chosen file’s text and shows its name', async () => {
    const { input, name, button } = picker();
    await userEvent.upload(input, new File([menuFile], 'menu.json', { type: 'application/json' }));
    await vi.waitFor(() => expect(screen.getByTestId<HTMLTextAreaElement>('import-menu-text').value).toBe(menuFile));
    expect(name.textContent).toBe('menu.json');
    expect(screen.getByRole('button', { name: '选择文件…', description: 'menu.json' })).toBe(button);
    await userEvent.click(screen.getByTestId('import-menu-run'));
    expect(m.importWechatMenu).toHaveBeenCalledWith(menuFile);
  });
});

describe('importing the live menu', () => {
  const live: Menu = {
    items: [{ id: 'm1', label: '菜单', target: { kind: 'action', action: { type: 'send_keyword', keyword: 'hi' } } }],
  };

  it('reads the live menu into the draft when it reads whole', async () => {
    const onImport = vi.fn();
    const onLive = vi.fn().mockResolvedValue({ menu: live, notices: [] });
    render(<ImportMenuDialog onImport={onImport} onClose={vi.fn()} onLive={onLive} />);
    await userEvent.click(screen.getByTestId('import-menu-live'));
    expect(onLive).toHaveBeenCalledTimes(1);
    expect(onImport).toHaveBeenCalledWith(live);
  });

  it('says why the live menu could not be read, and changes nothing', async () => {
    const onImport = vi.fn();
    const onLive = vi.fn().mockRejectedValue(new AppError('offline', 'WeChat did not give the live menu', []));
    render(<ImportMenuDialog onImport={onImport} onClose={vi.fn()} onLive={onLive} />);
    await userEvent.click(screen.getByTestId('import-menu-live'));
    expect(await screen.findByTestId('import-menu-error')).toBeTruthy();
    expect(onImport).not.toHaveBeenCalled();
  });

  it('is offered only where the dialog is given a live menu', () => {
    render(<ImportMenuDialog onImport={vi.fn()} onClose={vi.fn()} />);
    expect(screen.queryByTestId('import-menu-live')).toBeNull();
  });
});
