// Which key sends a reply: Enter (Shift+Enter breaks the line), or
// Ctrl/⌘+Enter for staff who write long replies (Enter breaks the line).
// Kept in this browser profile (localStorage), per computer, like the
// notification setting.
import type { KeyboardEvent } from 'react';

const KEY = 'wicket.sendKey';

export type SendKey = 'enter' | 'mod_enter';

export function sendKey(): SendKey {
  try {
    return localStorage.getItem(KEY) === 'mod_enter' ? 'mod_enter' : 'enter';
  } catch {
    return 'enter';
  }
}

export function setSendKey(value: SendKey): void {
  try {
    localStorage.setItem(KEY, value);
  } catch {
    // Storage refused: the choice lasts this session only.
  }
}

/** Whether this key press sends, under the chosen key (never mid-composition of an input method). */
export function isSendKey(event: KeyboardEvent, chosen: SendKey): boolean {
  if (event.key !== 'Enter' || event.nativeEvent.isComposing) return false;
  const mod = event.ctrlKey || event.metaKey;
  return chosen === 'enter' ? !event.shiftKey && !mod : mod;
}
