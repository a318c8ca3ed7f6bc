import { useState } from 'react';
import type { InboxFilter } from '../../platform';
import { loadSavedViews, sameFilter, storeSavedViews, type SavedView } from './savedViews';

/** Named filters kept on this computer: the one matching the filter shown, saving and deleting. */
export function useSavedViews(filter: InboxFilter) {
  const [views, setViews] = useState<SavedView[]>(() => loadSavedViews());
  // The name being typed for a new view; null when not naming one.
  const [naming, setNaming] = useState<string | null>(null);

  const keep = (next: SavedView[]) => {
    setViews(next);
    storeSavedViews(next);
  };
  const save = () => {
    const name = (naming ?? '').trim();
    if (!name) return;
    keep([...views.filter((v) => v.name !== name), { name, filter }]);
    setNaming(null);
  };
  const remove = (name: string) => keep(views.filter((v) => v.name !== name));
  const current = views.find((v) => sameFilter(v.filter, filter)) ?? null;
  return { views, current, naming, setNaming, save, remove };
}

export type SavedViews = ReturnType<typeof useSavedViews>;
