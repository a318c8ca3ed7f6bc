import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { useShortcuts, type Action } from '../../kit/shortcuts';
import i18n from '../../i18n';
import { CommandPalette, ShortcutSheet } from './Palette';
import { INBOX_SHORTCUTS, type InboxAction } from './shortcuts';

/** Every action of the table wired to a spy, as the inbox wires its own. */
function Harness({ spies }: { spies: Record<InboxAction, () => void> }) {
  const [palette, setPalette] = useState(false);
  const actions: Partial<Record<InboxAction, Action>> = Object.fromEntries(
    INBOX_SHORTCUTS.map((s) => [s.action, { run: spies[s.action] }]),
  );
  actions.palette = { run: () => setPalette((p) => !p) };
  useShortcuts(INBOX_SHORTCUTS, actions, { blocked: palette });
  return palette ? <CommandPalette actions={actions} extra={[]} onClose={() => setPalette(false)} /> : null;
}

const PRESS: Partial<Record<string, string>> = {
  j: 'j',
  'alt+ArrowDown': '{Alt>}{ArrowDown}{/Alt}',
  k: 'k',
  'alt+ArrowUp': '{Alt>}{ArrowUp}{/Alt}',
  e: 'e',
  'shift+e': '{Shift>}E{/Shift}',
  a: 'a',
  r: 'r',
  n: 'n',
  x: 'x',
  '/': '/',
  '?': '{Shift>}?{/Shift}',
  Escape: '{Escape}',
};

describe('the inbox shortcut table', () => {
  it('drives the key handler: every key in the table runs its action, and only that one', async () => {
    const spies = Object.fromEntries(INBOX_SHORTCUTS.map((s) => [s.action, vi.fn()])) as unknown as Record<
      InboxAction,
      ReturnType<typeof vi.fn>
    >;
    render(<Harness spies={spies} />);
    for (const shortcut of INBOX_SHORTCUTS) {
      if (shortcut.elsewhere || shortcut.action === 'palette') continue;
      for (const combo of shortcut.keys) {
        const typed = PRESS[combo];
        expect(typed, `a press for ${combo}`).toBeDefined();
        Object.values(spies).forEach((s) => s.mockClear());
        await userEvent.keyboard(typed!);
        expect(spies[shortcut.action], combo).toHaveBeenCalledTimes(1);
        const others = Object.entries(spies).filter(
          ([action, spy]) => action !== shortcut.action && spy.mock.calls.length > 0,
        );
        expect(
          others.map(([action]) => action),
          combo,
        ).toEqual([]);
      }
    }
  });

  it('drives the palette: its commands are the table’s, with the table’s first key', async () => {
    const spies = Object.fromEntries(INBOX_SHORTCUTS.map((s) => [s.action, vi.fn()])) as unknown as Record<
      InboxAction,
      () => void
    >;
    render(<Harness spies={spies} />);
    await userEvent.keyboard('{Control>}k{/Control}');
    const items = within(screen.getByTestId('command-palette')).getAllByTestId('palette-item');
    const listed = INBOX_SHORTCUTS.filter((s) => s.palette);
    expect(items).toHaveLength(listed.length);
    listed.forEach((s, i) => {
      expect(items[i]?.textContent).toContain(i18n.t(s.label ?? ''));
      const first = s.keys[0];
      if (first) expect(items[i]?.querySelector('kbd')?.textContent).toBeTruthy();
      else expect(items[i]?.querySelector('kbd')).toBeNull();
    });
    await userEvent.click(items[0]!);
    expect(spies.next).toHaveBeenCalledTimes(1);
  });

  it('drives the help sheet: every entry with keys, in the table’s order, with all its keys', () => {
    render(<ShortcutSheet onClose={() => undefined} />);
    const rows = within(screen.getByTestId('shortcut-sheet')).getAllByRole('definition');
    const withKeys = INBOX_SHORTCUTS.filter((s) => s.keys.length > 0);
    expect(rows.map((r) => r.textContent)).toEqual(withKeys.map((s) => i18n.t(s.label ?? '')));
    const keys = within(screen.getByTestId('shortcut-sheet'))
      .getAllByRole('term')
      .map((k) => k.textContent);
    expect(keys).toEqual([
      'J / Alt+↓',
      'K / Alt+↑',
      'E',
      'Shift+E',
      'A',
      'R',
      'N',
      'X',
      '/',
      'Ctrl+K',
      '?',
      'Enter',
      'Shift+Enter',
      'Esc',
    ]);
  });

  it('keeps single keys out of text fields, but Ctrl+K works there', async () => {
    const spies = Object.fromEntries(INBOX_SHORTCUTS.map((s) => [s.action, vi.fn()])) as unknown as Record<
      InboxAction,
      ReturnType<typeof vi.fn>
    >;
    render(
      <>
        <input data-testid="field" />
        <Harness spies={spies} />
      </>,
    );
    act(() => screen.getByTestId('field').focus());
    await userEvent.keyboard('je');
    expect(spies.next).not.toHaveBeenCalled();
    expect(spies.resolve).not.toHaveBeenCalled();
    await userEvent.keyboard('{Control>}k{/Control}');
    expect(screen.getByTestId('command-palette')).toBeTruthy();
  });
});
