import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import type { Menu } from '../../shared/model';
import { MenuEditor } from './MenuEditor';

const menu: Menu = {
  items: [
    { id: 'bill', label: '账单', target: { kind: 'action', action: { type: 'send_keyword', keyword: '账单' } } },
    { id: 'shop', label: '门店', target: { kind: 'action', action: { type: 'open_url', url: 'https://example.com' } } },
  ],
};

function renderMenu() {
  render(
    <MenuEditor
      menu={menu}
      platform="wechat"
      issues={[]}
      pages={[]}
      onChange={vi.fn()}
      onEndTyping={vi.fn()}
      onExport={vi.fn()}
      onImport={vi.fn()}
    />,
  );
  // dnd-kit's hidden instructions, which each drag handle's aria-describedby names.
  const handle = screen.getAllByRole('button').find((b) => b.getAttribute('aria-roledescription') !== null)!;
  const described = document.getElementById(handle.getAttribute('aria-describedby') ?? '');
  return { handle, instructions: described?.textContent ?? '' };
}

/** What the live region last told a screen reader. */
const spoken = () => [...document.querySelectorAll('[aria-live]')].map((n) => n.textContent ?? '').join(' ');

describe('drag and drop as a screen reader hears it', () => {
  it('is in Chinese in the Chinese console, naming the menu item', async () => {
    const { handle, instructions } = renderMenu();
    expect(instructions).toBe('按空格键或回车键拿起此项。拖动时用方向键移动，再按空格键或回车键放下，按 Esc 键取消。');
    handle.focus();
    fireEvent.keyDown(handle, { key: ' ', code: 'Space' });
    await waitFor(() => expect(spoken()).toContain('已拿起菜单项“账单”。'));
    fireEvent.keyDown(handle, { key: 'Escape', code: 'Escape' });
    await waitFor(() => expect(spoken()).toContain('已取消拖动，菜单项“账单”已回到原处。'));
    expect(spoken()).not.toMatch(/Picked up|draggable/);
  });

  it('is in English in the English console', async () => {
    await i18n.changeLanguage('en');
    const { handle, instructions } = renderMenu();
    expect(instructions).toContain('press Space or Enter');
    handle.focus();
    fireEvent.keyDown(handle, { key: ' ', code: 'Space' });
    await waitFor(() => expect(spoken()).toContain('Picked up menu item “账单”.'));
  });
});
