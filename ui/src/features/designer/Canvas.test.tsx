import { DndContext } from '@dnd-kit/core';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SAMPLE } from '../../renderer/template';
import type { Layout } from '../../shared/model';
import { Canvas, type PhoneView } from './Canvas';

const notice = (id: string, text: string) => ({ id, props: { kind: 'notice' as const, text, action: null } });
const layout: Layout = {
  schema_version: 1,
  modules: [notice('n1', '第一条'), notice('n2', '第二条')],
  pages: [],
  menu: { items: [] },
};

function renderCanvas(view: PhoneView = 'function') {
  const handlers = { onMoveBy: vi.fn(), onDuplicate: vi.fn(), onRemove: vi.fn(), onView: vi.fn(), onSelect: vi.fn() };
  render(
    <DndContext>
      <Canvas
        layout={layout}
        page={null}
        onPage={() => {}}
        sample={DEFAULT_SAMPLE}
        issues={[]}
        selected="n2"
        indicator={null}
        device="small"
        view={view}
        accountName="茶馆"
        {...handlers}
      />
    </DndContext>,
  );
  return handlers;
}

describe('the canvas', () => {
  it('offers the selected module’s tools, each named', async () => {
    renderCanvas();
    const tools = within(await screen.findByTestId('selection-tools')).getAllByRole('button');
    expect(tools.map((b) => [b.getAttribute('aria-label'), b.getAttribute('title'), b.className])).toEqual([
      ['拖动以移动', '拖动以移动', 'dz-tool dz-grip'],
      ['上移 (Alt+↑)', '上移 (Alt+↑)', 'dz-tool'],
      ['下移 (Alt+↓)', '下移 (Alt+↓)', 'dz-tool'],
      ['复制一份 (Ctrl+D)', '复制一份 (Ctrl+D)', 'dz-tool'],
      ['删除 (Delete)', '删除 (Delete)', 'dz-tool dz-tool-danger'],
    ]);
  });

  it('acts on the selected module with each tool, keeping it selected', async () => {
    const handlers = renderCanvas();
    const tools = within(await screen.findByTestId('selection-tools')).getAllByRole('button');
    for (const tool of tools.slice(1)) await userEvent.click(tool);
    expect(handlers.onMoveBy.mock.calls).toEqual([
      ['n2', -1],
      ['n2', 1],
    ]);
    expect(handlers.onDuplicate).toHaveBeenCalledWith('n2');
    expect(handlers.onRemove).toHaveBeenCalledWith('n2');
    expect(handlers.onSelect).not.toHaveBeenCalled();
  });

  it('selects the module tapped on the phone, and nothing when the tap misses every module', async () => {
    const handlers = renderCanvas();
    await userEvent.click(screen.getByText('第一条'));
    expect(handlers.onSelect).toHaveBeenLastCalledWith('n1');
    await userEvent.click(document.querySelector('.dz-content')!);
    expect(handlers.onSelect).toHaveBeenLastCalledWith(null);
  });

  it('switches between the function view and the chat, its icon saying which way', async () => {
    const handlers = renderCanvas('function');
    const toChat = screen.getByTestId('view-switch');
    expect(toChat.querySelector('path')?.getAttribute('d')).toBe('M4 5h16v11H9l-5 4z');
    await userEvent.click(toChat);
    expect(handlers.onView).toHaveBeenCalledWith('chat');
  });

  it('shows a grid to go back from the chat to the function view', async () => {
    const handlers = renderCanvas('chat');
    const toFunction = screen.getByTestId('view-switch');
    expect(toFunction.querySelector('path')?.getAttribute('d')).toBe(
      'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z',
    );
    await userEvent.click(toFunction);
    expect(handlers.onView).toHaveBeenCalledWith('function');
  });
});
