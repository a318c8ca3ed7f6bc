import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { AppError } from '../platform';
import { platformMocks as m, resetPlatformMocks } from '../test/platformMock';
import { ImportMenuDialog } from './Dialogs';

vi.mock('../platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../platform')>()),
  ...(await import('../test/platformMock')).platformMocks,
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
const notJson = new AppError('invalid', ': layout.import.not_json', [{ path: '', key: 'layout.import.not_json', params: [['line', '3'], ['column', '14']] }]);
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
      expect(await importText('{"button": [{"type": "pic_weixin", "name": "拍照"}]}')).toBe('Wicket cannot bring in buttons of type “pic_weixin”.');
    } finally {
      await i18n.changeLanguage('zh-CN');
    }
  });

  it('shows a platform length with its unit in the reader’s language', async () => {
    m.importWechatMenu.mockRejectedValueOnce(
      new AppError('invalid', 'too long', [{ path: 'menu.items.0.label', key: 'layout.menu.label.too_long', params: [['max', '16'], ['actual', '20'], ['unit', 'gbk_bytes']] }]),
    );
    expect(await importText('{"button": []}')).toBe('菜单名称超出平台限制：最多 16 字节（GBK）（现有 20）。');
  });
});
