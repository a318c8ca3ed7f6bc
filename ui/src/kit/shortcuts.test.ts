import { describe, expect, it } from 'vitest';
import { comboLabel, keysLabel, shortcutFor, type Shortcut } from './shortcuts';

const table: Shortcut<'next' | 'resolve' | 'resolveNext' | 'help' | 'palette' | 'send'>[] = [
  { action: 'next', label: 'next', keys: ['j', 'alt+ArrowDown'] },
  { action: 'resolve', label: 'resolve', keys: ['e'] },
  { action: 'resolveNext', label: 'resolveNext', keys: ['shift+e'] },
  { action: 'help', label: 'help', keys: ['?'] },
  { action: 'palette', label: 'palette', keys: ['mod+k'], global: true },
  { action: 'send', label: 'send', keys: ['Enter'], elsewhere: true },
];
const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('shortcut table', () => {
  it('finds the action a press means', () => {
    expect(shortcutFor(table, key('j'))?.action).toBe('next');
    expect(shortcutFor(table, key('ArrowDown', { altKey: true }))?.action).toBe('next');
    expect(shortcutFor(table, key('ArrowDown'))).toBeNull();
    expect(shortcutFor(table, key('e'))?.action).toBe('resolve');
    expect(shortcutFor(table, key('E', { shiftKey: true }))?.action).toBe('resolveNext');
    expect(shortcutFor(table, key('?', { shiftKey: true }))?.action).toBe('help');
    expect(shortcutFor(table, key('k', { ctrlKey: true }))?.action).toBe('palette');
    expect(shortcutFor(table, key('k', { metaKey: true }))?.action).toBe('palette');
    expect(shortcutFor(table, key('j', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(table, key('j', { altKey: true }))).toBeNull();
    // Handled elsewhere: listed, never run here.
    expect(shortcutFor(table, key('Enter'))).toBeNull();
  });

  it('writes the keys as people read them', () => {
    expect(keysLabel(table[0]!)).toBe('J / Alt+↓');
    expect(comboLabel('shift+e')).toBe('Shift+E');
    expect(comboLabel('mod+k')).toBe('Ctrl+K');
    expect(comboLabel('Escape')).toBe('Esc');
    expect(comboLabel('shift+Enter')).toBe('Shift+Enter');
  });
});
