// A structural diff of two layouts, by module and menu item id: what the
// history drawer and the conflict dialog list.
import type { Layout, Menu, Module } from '../../shared/model';
import { deepEqual, sameSlot, walk, type Located } from './tree';

export type Change =
  | { what: 'module'; change: 'added' | 'removed' | 'changed' | 'moved'; id: string; kind: string }
  | { what: 'menu'; change: 'added' | 'removed' | 'changed' | 'moved'; id: string; label: string }
  | { what: 'pages'; change: 'changed' };

/** A module's own props, without its children (they are compared on their own). */
function ownProps(module: Module): unknown {
  const props = module.props;
  if (props.kind === 'group') return { ...props, children: props.children.length };
  if (props.kind === 'tabs')
    return { ...props, tabs: props.tabs.map((tab) => ({ label: tab.label, children: tab.children.length })) };
  return props;
}

function index(layout: Layout): Map<string, Located> {
  const map = new Map<string, Located>();
  walk(layout, (at) => {
    map.set(at.module.id, at);
  });
  return map;
}

function menuItems(menu: Menu): Map<string, { label: string; value: unknown; parent: string | null; index: number }> {
  const map = new Map<string, { label: string; value: unknown; parent: string | null; index: number }>();
  menu.items.forEach((item, i) => {
    const own =
      item.target.kind === 'submenu'
        ? { ...item, target: { kind: 'submenu', items: item.target.items.map((s) => s.id) } }
        : item;
    map.set(item.id, { label: item.label, value: own, parent: null, index: i });
    if (item.target.kind === 'submenu')
      item.target.items.forEach((sub, j) =>
        map.set(sub.id, { label: sub.label, value: sub, parent: item.id, index: j }),
      );
  });
  return map;
}

/** What changed from `before` to `after`, in the order of `after` (removals last). */
export function diffLayouts(before: Layout, after: Layout): Change[] {
  const changes: Change[] = [];
  const a = index(before);
  const b = index(after);
  for (const [id, at] of b) {
    const old = a.get(id);
    const kind = at.module.props.kind;
    if (!old) changes.push({ what: 'module', change: 'added', id, kind });
    else if (!deepEqual(ownProps(old.module), ownProps(at.module)))
      changes.push({ what: 'module', change: 'changed', id, kind });
    else if (!sameSlot(old.slot, at.slot) || old.index !== at.index)
      changes.push({ what: 'module', change: 'moved', id, kind });
  }
  for (const [id, at] of a)
    if (!b.has(id)) changes.push({ what: 'module', change: 'removed', id, kind: at.module.props.kind });

  const ma = menuItems(before.menu);
  const mb = menuItems(after.menu);
  for (const [id, item] of mb) {
    const old = ma.get(id);
    if (!old) changes.push({ what: 'menu', change: 'added', id, label: item.label });
    else if (!deepEqual(old.value, item.value))
      changes.push({ what: 'menu', change: 'changed', id, label: item.label });
    else if (old.parent !== item.parent || old.index !== item.index)
      changes.push({ what: 'menu', change: 'moved', id, label: item.label });
  }
  for (const [id, item] of ma)
    if (!mb.has(id)) changes.push({ what: 'menu', change: 'removed', id, label: item.label });

  const pagesOnly = (layout: Layout) => layout.pages.map((p) => ({ id: p.id, title: p.title, n: p.modules.length }));
  if (!deepEqual(pagesOnly(before), pagesOnly(after))) changes.push({ what: 'pages', change: 'changed' });
  return changes;
}

export type Side = 'mine' | 'theirs';

/**
 * A layout made of per-module choices between two versions of the home page's
 * top-level modules (a container comes with everything in it), plus the menu
 * and the pages from one side. Order follows mine, with modules only theirs
 * has (and chosen) inserted where they stand in theirs.
 */
export function mergeLayouts(mine: Layout, theirs: Layout, choose: (id: string) => Side, menuFrom: Side): Layout {
  const theirsById = new Map(theirs.modules.map((m, i) => [m.id, { module: m, index: i }]));
  const mineIds = new Set(mine.modules.map((m) => m.id));
  const out: Module[] = [];
  for (const module of mine.modules) {
    const other = theirsById.get(module.id);
    if (choose(module.id) === 'theirs') {
      if (other) out.push(other.module);
      // Chosen theirs, and theirs has no such module: it was removed there.
    } else {
      out.push(module);
    }
  }
  theirs.modules.forEach((module, i) => {
    if (mineIds.has(module.id) || choose(module.id) !== 'theirs') return;
    // After the module that precedes it in theirs, if it is kept; else at its index.
    const before = theirs.modules[i - 1];
    const at = before ? out.findIndex((m) => m.id === before.id) : -1;
    out.splice(at >= 0 ? at + 1 : Math.min(i, out.length), 0, module);
  });
  const side = menuFrom === 'mine' ? mine : theirs;
  return { ...mine, modules: out, menu: side.menu, pages: side.pages };
}

/** The ids of top-level modules that differ between the two (or exist on one side only). */
export function conflictingModules(mine: Layout, theirs: Layout): string[] {
  const theirsById = new Map(theirs.modules.map((m) => [m.id, m]));
  const ids: string[] = [];
  for (const module of mine.modules) {
    const other = theirsById.get(module.id);
    if (!other || !deepEqual(other, module)) ids.push(module.id);
  }
  for (const module of theirs.modules) if (!mine.modules.some((m) => m.id === module.id)) ids.push(module.id);
  return ids;
}
