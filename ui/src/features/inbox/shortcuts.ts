import type { Shortcut } from '../../kit/shortcuts';

export type InboxAction =
  | 'next'
  | 'previous'
  | 'resolve'
  | 'resolveNext'
  | 'reopen'
  | 'pending'
  | 'assignMe'
  | 'unassign'
  | 'reply'
  | 'note'
  | 'check'
  | 'search'
  | 'palette'
  | 'shortcuts'
  | 'send'
  | 'newline'
  | 'escape';

/**
 * The inbox's keyboard map, written once: the key handler runs it, the
 * palette lists the entries marked `palette` (with their first key), the help
 * sheet (`?`) lists every entry with keys. In this order.
 */
export const INBOX_SHORTCUTS: readonly Shortcut<InboxAction>[] = [
  { action: 'next', label: 'inbox.shortcuts.next', keys: ['j', 'alt+ArrowDown'], palette: true },
  { action: 'previous', label: 'inbox.shortcuts.previous', keys: ['k', 'alt+ArrowUp'], palette: true },
  { action: 'resolve', label: 'inbox.shortcuts.resolve', keys: ['e'], palette: true },
  { action: 'resolveNext', label: 'inbox.shortcuts.resolveNext', keys: ['shift+e'], palette: true },
  { action: 'reopen', label: 'inbox.palette.reopen', keys: [], palette: true },
  { action: 'pending', label: 'inbox.palette.pending', keys: [], palette: true },
  { action: 'assignMe', label: 'inbox.shortcuts.assignMe', keys: ['a'], palette: true },
  { action: 'unassign', label: 'inbox.palette.unassign', keys: [], palette: true },
  { action: 'reply', label: 'inbox.shortcuts.reply', keys: ['r'], palette: true },
  { action: 'note', label: 'inbox.shortcuts.note', keys: ['n'], palette: true },
  { action: 'check', label: 'inbox.shortcuts.check', keys: ['x'] },
  { action: 'search', label: 'inbox.shortcuts.search', keys: ['/'], palette: true },
  { action: 'palette', label: 'inbox.shortcuts.palette', keys: ['mod+k'], global: true },
  { action: 'shortcuts', label: 'inbox.shortcuts.shortcuts', keys: ['?'], palette: true },
  { action: 'send', label: 'inbox.shortcuts.send', keys: ['Enter'], elsewhere: true },
  { action: 'newline', label: 'inbox.shortcuts.newline', keys: ['shift+Enter'], elsewhere: true },
  { action: 'escape', label: 'inbox.shortcuts.escape', keys: ['Escape'] },
];
