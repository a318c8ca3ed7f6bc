import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ToolbarActions, type ToolbarAction } from './ToolbarActions';

function actions(over: Partial<Record<string, Partial<ToolbarAction>>> = {}) {
  const make = (id: string, label: string): ToolbarAction => ({ id, label, onClick: vi.fn(), ...over[id] });
  return [
    make('templates', '从模板新建'),
    make('import-file', '导入…'),
    make('export-file', '导出…'),
    make('history', '历史版本'),
  ];
}

describe('the toolbar commands folded into More', () => {
  it('offers each command as a button and, through More, as a menu item that runs it and closes', async () => {
    const list = actions({ history: { expanded: true } });
    render(<ToolbarActions actions={list} />);
    await userEvent.click(screen.getByTestId('export-file'));
    expect(list[2]!.onClick).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('history').getAttribute('aria-expanded')).toBe('true');

    const more = screen.getByTestId('toolbar-more');
    expect(more.textContent).toContain('更多');
    expect(more.getAttribute('aria-expanded')).toBe('false');
    await userEvent.click(more);
    const menu = screen.getByRole('menu', { name: '更多' });
    expect(more.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['从模板新建', '导入…', '导出…']);
    expect(screen.getByRole('menuitemcheckbox', { name: '历史版本' }).getAttribute('aria-checked')).toBe('true');
    expect(menu.contains(document.activeElement)).toBe(true);

    await userEvent.click(screen.getByTestId('templates-menu'));
    expect(list[0]!.onClick).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(more);
  });

  it('moves through enabled items with the arrow keys and closes on Escape, back on More', async () => {
    render(<ToolbarActions actions={actions({ 'import-file': { disabled: true } })} />);
    const more = screen.getByTestId('toolbar-more');
    await userEvent.click(more);
    expect(document.activeElement).toBe(screen.getByTestId('templates-menu'));
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(screen.getByTestId('export-file-menu'));
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(document.activeElement).toBe(screen.getByTestId('history-menu'));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(more);
  });

  it('closes when a click lands outside it', async () => {
    render(
      <div>
        <ToolbarActions actions={actions()} />
        <p>outside</p>
      </div>,
    );
    await userEvent.click(screen.getByTestId('toolbar-more'));
    expect(screen.getByRole('menu')).toBeTruthy();
    await userEvent.click(screen.getByText('outside'));
    expect(screen.queryByRole('menu')).toBeNull();
  });
});
