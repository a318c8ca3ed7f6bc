import type { Issue, Layout } from '../../shared/model';
import { locate, walk } from './tree';

/**
 * The module an issue is about (the longest module path its path starts
 * with), and the page to show it on (null: home; undefined: not found on a
 * page). Built when an issue is followed, not on every edit.
 */
export function moduleOfIssue(layout: Layout, issue: Issue): { id: string; page: string | null | undefined } | null {
  const moduleByPath = new Map<string, string>();
  walk(layout, (at) => {
    moduleByPath.set(at.path, at.module.id);
  });
  const parts = issue.path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const id = moduleByPath.get(parts.slice(0, n).join('.'));
    if (id === undefined) continue;
    const at = locate(layout, id);
    if (!at) return { id, page: undefined };
    return { id, page: at.slot.parent === null ? at.slot.page : (rootPageOf(layout, id) ?? null) };
  }
  return null;
}

/** The page (null: home) a module is on. */
function rootPageOf(layout: Layout, id: string): string | null {
  for (const page of layout.pages) {
    let found = false;
    walk({ ...layout, modules: [], pages: [page] }, (at) => {
      if (at.module.id === id) found = true;
    });
    if (found) return page.id;
  }
  return null;
}
