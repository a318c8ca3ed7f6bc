import type { Module } from '../../shared/model';

// Copied modules: kept in local storage, so another designer window pastes
// them too, and in memory when storage is full or unavailable.
const CLIPBOARD_KEY = 'wicket.designer.clipboard';
let memoryClipboard: Module[] | null = null;

export function copyModules(modules: Module[]): void {
  memoryClipboard = structuredClone(modules);
  try {
    localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(modules));
  } catch {
    // Storage full or unavailable: the in-memory copy still pastes in this window.
  }
}

export function pasteModules(): Module[] | null {
  try {
    const stored = localStorage.getItem(CLIPBOARD_KEY);
    if (stored) {
      const value = JSON.parse(stored) as unknown;
      if (
        Array.isArray(value) &&
        value.every(
          (m) =>
            m &&
            typeof m === 'object' &&
            typeof (m as Module).id === 'string' &&
            typeof (m as Module).props === 'object',
        )
      )
        return value as Module[];
    }
  } catch {
    // Not ours or unreadable: fall back to the in-memory copy.
  }
  return memoryClipboard;
}
