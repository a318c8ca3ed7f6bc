// One table of keyboard shortcuts drives the key handler, the command
// palette and the help sheet (after Yaak's useHotKey: an action names its
// key combinations once; handlers, labels and menus read them from there).
//
// A combination is written `mod+shift+alt+key`: `mod` is Ctrl (⌘ on a Mac),
// `key` is KeyboardEvent.key (a letter in lower case). A combination without
// `shift` also matches with Shift held (so `?` matches however it is typed),
// unless another combination for the same key asks for Shift.

import { useEffect, useRef } from 'react';

export type Shortcut<A extends string> = {
  action: A;
  /** The i18n key of its name, in the palette and the help sheet (none: listed in neither). */
  label?: string;
  /** Key combinations, the first one shown in the palette; none: a palette command only. */
  keys: readonly string[];
  /** Offered in the command palette. */
  palette?: boolean;
  /** Works while typing in a field and over open dialogs. */
  global?: boolean;
  /** Listed in the help sheet only: another component handles it (e.g. the composer's Enter). */
  elsewhere?: boolean;
};

type Combo = { key: string; mod: boolean; shift: boolean; alt: boolean };

function parse(combo: string): Combo {
  const parts = combo.split('+');
  // `shift++` would be odd; a lone `+` key is written as itself.
  const key = parts.length > 1 && parts[parts.length - 1] === '' ? '+' : (parts[parts.length - 1] ?? '');
  const mods = new Set(parts.slice(0, -1).map((p) => p.toLowerCase()));
  return { key, mod: mods.has('mod'), shift: mods.has('shift'), alt: mods.has('alt') };
}

function sameKey(a: string, b: string): boolean {
  return a.length === 1 && b.length === 1 ? a.toLowerCase() === b.toLowerCase() : a === b;
}

type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** The shortcut an event presses, if any: one that asks for Shift wins over one that does not. */
export function shortcutFor<A extends string>(table: readonly Shortcut<A>[], event: KeyLike): Shortcut<A> | null {
  const mod = event.ctrlKey || event.metaKey;
  let loose: Shortcut<A> | null = null;
  for (const shortcut of table) {
    if (shortcut.elsewhere) continue;
    for (const text of shortcut.keys) {
      const c = parse(text);
      if (!sameKey(c.key, event.key) || c.mod !== mod || c.alt !== event.altKey) continue;
      if (c.shift && event.shiftKey) return shortcut;
      if (!c.shift && loose === null) loose = shortcut;
    }
  }
  return loose;
}

const NAMES: Record<string, string> = {
  ArrowDown: '↓',
  ArrowUp: '↑',
  ArrowLeft: '←',
  ArrowRight: '→',
  Escape: 'Esc',
  ' ': 'Space',
};

/** One combination as people read it: `alt+ArrowDown` → `Alt+↓`. */
export function comboLabel(combo: string): string {
  const c = parse(combo);
  const key = NAMES[c.key] ?? (c.key.length === 1 ? c.key.toUpperCase() : c.key);
  return [c.mod && 'Ctrl', c.shift && 'Shift', c.alt && 'Alt', key].filter(Boolean).join('+');
}

/** Every combination of a shortcut, for the help sheet: `J / Alt+↓`. */
export function keysLabel(shortcut: Shortcut<string>): string {
  return shortcut.keys.map(comboLabel).join(' / ');
}

/** The first combination, for the palette beside the action's name. */
export function firstKeyLabel(shortcut: Shortcut<string>): string | undefined {
  const first = shortcut.keys[0];
  return first === undefined ? undefined : comboLabel(first);
}

/** A field that takes typing: single-key shortcuts stay out of it. */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** A command the palette offers: the action's name, its first key, and what it does. */
export type Command = { id: string; label: string; keys?: string; disabled?: boolean; run: () => void };

/** What an action does here, and whether it can now. */
export type Action = { run: () => void; disabled?: boolean };

/** The palette's commands from the table, in its order: the entries marked `palette` that have an action. */
export function paletteCommands<A extends string>(
  table: readonly Shortcut<A>[],
  actions: Partial<Record<A, Action>>,
  t: (key: string) => string,
): Command[] {
  const commands: Command[] = [];
  for (const shortcut of table) {
    const action = actions[shortcut.action];
    if (!shortcut.palette || !action || shortcut.label === undefined) continue;
    commands.push({
      id: shortcut.action,
      label: t(shortcut.label),
      keys: firstKeyLabel(shortcut),
      disabled: action.disabled,
      run: action.run,
    });
  }
  return commands;
}

/** The help sheet's rows: every entry with keys, in the table's order. */
export function helpRows<A extends string>(
  table: readonly Shortcut<A>[],
): { action: A; keys: string; label: string }[] {
  const rows: { action: A; keys: string; label: string }[] = [];
  for (const s of table)
    if (s.keys.length > 0 && s.label !== undefined) rows.push({ action: s.action, keys: keysLabel(s), label: s.label });
  return rows;
}

export type ShortcutOptions = {
  /** A dialog is open over the screen: only global shortcuts work. */
  blocked?: boolean;
};

/**
 * Runs the table's actions on key presses in the window. `handlers` is read
 * fresh on each press (no re-subscribing per render). Outside global
 * shortcuts, nothing runs while typing in a field, over a dialog, or for a
 * press someone else already handled.
 */
export function useShortcuts<A extends string>(
  table: readonly Shortcut<A>[],
  handlers: Partial<Record<A, Action>>,
  options: ShortcutOptions = {},
): void {
  const latest = useRef({ table, handlers, options });
  useEffect(() => {
    latest.current = { table, handlers, options };
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      const { table: current, handlers: run, options: opts } = latest.current;
      const shortcut = shortcutFor(current, event);
      if (!shortcut) return;
      if (!shortcut.global && (opts.blocked || event.defaultPrevented || isTextField(event.target))) return;
      const handler = run[shortcut.action];
      if (!handler) return;
      event.preventDefault();
      handler.run();
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
