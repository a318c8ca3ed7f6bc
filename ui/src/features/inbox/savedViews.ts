// Saved views of the conversation list. Kept in this webview's localStorage
// for now (per computer, not synced): acceptable while views are a personal
// convenience; they move into the cache when the Rust side gets a settings
// table for them.
import type { InboxFilter } from '../../platform';

export type SavedView = { name: string; filter: InboxFilter };

const KEY = 'wicket.inbox.savedViews';

function isFilter(value: unknown): value is InboxFilter {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.scope === 'mine' || v.scope === 'unassigned' || v.scope === 'all') &&
    (v.status === null || v.status === 'open' || v.status === 'pending' || v.status === 'resolved') &&
    (v.label === null || typeof v.label === 'string') &&
    (v.account_id === null || typeof v.account_id === 'string') &&
    (v.unread_only === undefined || typeof v.unread_only === 'boolean')
  );
}

export function loadSavedViews(): SavedView[] {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (v): v is SavedView =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as SavedView).name === 'string' &&
        isFilter((v as SavedView).filter),
    );
  } catch {
    return [];
  }
}

export function storeSavedViews(views: SavedView[]): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(views));
  } catch {
    // Storage full or disabled: the views last until the window closes.
  }
}

export function sameFilter(a: InboxFilter, b: InboxFilter): boolean {
  return (
    a.scope === b.scope &&
    a.status === b.status &&
    a.label === b.label &&
    a.account_id === b.account_id &&
    (a.unread_only ?? false) === (b.unread_only ?? false)
  );
}
