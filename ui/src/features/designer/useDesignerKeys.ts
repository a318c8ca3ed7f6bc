import type { Dispatch, KeyboardEvent } from 'react';
import { shortcutFor, type Shortcut } from '../../kit/shortcuts';
import type { Module } from '../../shared/model';
import { copyModules, pasteModules } from './clipboard';
import type { DesignerAction } from './state';
import type { Target } from './tree';

type DesignerKey = 'undo' | 'redo' | 'duplicate' | 'copy' | 'paste' | 'remove' | 'moveUp' | 'moveDown' | 'deselect';

/** The designer's keys, written once. Undo and redo work in text fields too; the rest act on the selected module. */
export const DESIGNER_SHORTCUTS: readonly Shortcut<DesignerKey>[] = [
  { action: 'undo', keys: ['mod+z'], global: true },
  { action: 'redo', keys: ['mod+shift+z', 'mod+y'], global: true },
  { action: 'duplicate', keys: ['mod+d'] },
  { action: 'copy', keys: ['mod+c'] },
  { action: 'paste', keys: ['mod+v'] },
  { action: 'remove', keys: ['Delete', 'Backspace'] },
  { action: 'moveUp', keys: ['alt+ArrowUp'] },
  { action: 'moveDown', keys: ['alt+ArrowDown'] },
  { action: 'deselect', keys: ['Escape'] },
];

/** A field that takes typing (a checkbox or a radio does not). */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return (
    (tag === 'INPUT' && !['checkbox', 'radio', 'button'].includes((target as HTMLInputElement).type)) ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT'
  );
}

type Keys = {
  /** A dialog is open: keys are its own. */
  dialogOpen: boolean;
  selectedId: string | null;
  selectedModule: Module | null;
  insertPlace: () => Target;
  dispatch: Dispatch<DesignerAction>;
  /** After a copy: what was said before no longer applies. */
  onCopied: () => void;
};

/** The workspace's key handler, from DESIGNER_SHORTCUTS. */
export function designerKeyHandler({ dialogOpen, selectedId, selectedModule, insertPlace, dispatch, onCopied }: Keys) {
  return (event: KeyboardEvent<HTMLDivElement>) => {
    if (dialogOpen) return;
    const shortcut = shortcutFor(DESIGNER_SHORTCUTS, event);
    if (!shortcut) return;
    if (!shortcut.global && isTextField(event.target)) return;
    const id = selectedId;
    switch (shortcut.action) {
      case 'undo':
      case 'redo':
        event.preventDefault();
        dispatch({ type: shortcut.action });
        return;
      case 'paste': {
        const modules = pasteModules();
        if (modules && modules.length > 0) {
          event.preventDefault();
          dispatch({ type: 'insert', modules, at: insertPlace() });
        }
        return;
      }
      case 'copy':
        if (!selectedModule) return;
        event.preventDefault();
        copyModules([selectedModule]);
        onCopied();
        return;
      case 'deselect':
        if (id !== null) dispatch({ type: 'select', id: null });
        return;
    }
    if (id === null) return;
    event.preventDefault();
    if (shortcut.action === 'duplicate') dispatch({ type: 'duplicate', id });
    else if (shortcut.action === 'remove') dispatch({ type: 'remove', id });
    else dispatch({ type: 'move_by', id, delta: shortcut.action === 'moveUp' ? -1 : 1 });
  };
}
