import { useEffect } from 'react';
import { onMenuCommand, type MenuCommandEvent } from '../platform';

/**
 * Edit → Undo / Redo from the application menu do what the keys do where the
 * focus is: the designer's own history hears Ctrl+Z like any key press; a text
 * field that nobody handled the keys for undoes its own typing.
 */
export function runHistoryCommand(command: 'undo' | 'redo', doc: Document = document): void {
  const focused = doc.activeElement instanceof HTMLElement ? doc.activeElement : doc.body;
  const keys = new KeyboardEvent('keydown', {
    key: 'z',
    ctrlKey: true,
    shiftKey: command === 'redo',
    bubbles: true,
    cancelable: true,
  });
  const handled = !focused.dispatchEvent(keys);
  const editable =
    focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement || focused.isContentEditable;
  if (!handled && editable) doc.execCommand(command);
}

/** Carries out the application menu's choices that belong to the window. */
export function useMenuCommands(onShortcuts: () => void): void {
  useEffect(
    () =>
      onMenuCommand((command: MenuCommandEvent) => {
        if (command === 'shortcuts') onShortcuts();
        else runHistoryCommand(command);
      }),
    [onShortcuts],
  );
}
