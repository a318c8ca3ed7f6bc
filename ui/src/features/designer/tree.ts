// The layout's module tree as the designer edits it: pure functions that
// find, insert, remove and move modules by id. Every change copies only the
// lists and modules on the way to the one it touches, so every other module
// keeps its object identity (the phone mock memoises on it).
import type { Layout, Module, ModuleKind } from '../../shared/model';

/**
 * A list of modules: the home page (`page: null`), an extra page, a group's
 * children (`tab: null`) or the children of one tab of a `tabs` module.
 */
export type Slot = { parent: null; page: string | null } | { parent: string; tab: number | null };

/** A place in a list: before the module now at `index` (or at the end). */
export interface Target {
  slot: Slot;
  index: number;
}

export const HOME: Slot = { parent: null, page: null };

/** Where a module is: its list, its index there, and its dotted path (as in issues). */
export interface Located {
  module: Module;
  slot: Slot;
  index: number;
  path: string;
  depth: number;
}

export function sameSlot(a: Slot, b: Slot): boolean {
  if (a.parent === null || b.parent === null)
    return a.parent === b.parent && (a as { page: string | null }).page === (b as { page: string | null }).page;
  return a.parent === b.parent && a.tab === b.tab;
}

/** The child lists of a container, each with its slot and its path below the module. */
export function childLists(module: Module): { slot: Slot; modules: Module[]; suffix: string; label?: string }[] {
  const props = module.props;
  if (props.kind === 'group')
    return [{ slot: { parent: module.id, tab: null }, modules: props.children, suffix: 'props.children' }];
  if (props.kind === 'tabs') {
    return props.tabs.map((tab, index) => ({
      slot: { parent: module.id, tab: index },
      modules: tab.children,
      suffix: `props.tabs.${index}.children`,
      label: tab.label,
    }));
  }
  return [];
}

export function isContainer(props: ModuleKind): boolean {
  return props.kind === 'group' || props.kind === 'tabs';
}

/** Calls visit for every module, depth first in document order; stops when visit returns false. */
export function walk(layout: Layout, visit: (found: Located) => boolean | void): void {
  let stop = false;
  const list = (modules: Module[], slot: Slot, path: string, depth: number) => {
    for (let index = 0; index < modules.length && !stop; index++) {
      const module = modules[index]!;
      const here = `${path}.${index}`;
      if (visit({ module, slot, index, path: here, depth }) === false) {
        stop = true;
        return;
      }
      for (const child of childLists(module)) list(child.modules, child.slot, `${here}.${child.suffix}`, depth + 1);
    }
  };
  list(layout.modules, HOME, 'modules', 1);
  layout.pages.forEach((page, index) =>
    list(page.modules, { parent: null, page: page.id }, `pages.${index}.modules`, 1),
  );
}

export function locate(layout: Layout, id: string): Located | null {
  let found: Located | null = null;
  walk(layout, (at) => {
    if (at.module.id === id) {
      found = at;
      return false;
    }
    return true;
  });
  return found;
}

/** Every module id in the layout. */
export function allIds(layout: Layout): Set<string> {
  const ids = new Set<string>();
  walk(layout, ({ module }) => {
    ids.add(module.id);
  });
  return ids;
}

/** The module and everything nested in it, ids only. */
export function subtreeIds(module: Module): Set<string> {
  const ids = new Set<string>([module.id]);
  for (const child of childLists(module)) for (const m of child.modules) for (const id of subtreeIds(m)) ids.add(id);
  return ids;
}

/** The modules of a list, or null when the slot names nothing. */
export function listAt(layout: Layout, slot: Slot): Module[] | null {
  if (slot.parent === null) {
    if (slot.page === null) return layout.modules;
    return layout.pages.find((p) => p.id === slot.page)?.modules ?? null;
  }
  const owner = locate(layout, slot.parent);
  if (!owner) return null;
  const props = owner.module.props;
  if (props.kind === 'group' && slot.tab === null) return props.children;
  if (props.kind === 'tabs' && slot.tab !== null) return props.tabs[slot.tab]?.children ?? null;
  return null;
}

/** The layout with one list replaced by what `change` makes of it; the same layout if the slot names nothing. */
export function updateList(layout: Layout, slot: Slot, change: (modules: Module[]) => Module[]): Layout {
  if (slot.parent === null) {
    if (slot.page === null) return { ...layout, modules: change(layout.modules) };
    const pageIndex = layout.pages.findIndex((p) => p.id === slot.page);
    if (pageIndex < 0) return layout;
    const pages = layout.pages.slice();
    pages[pageIndex] = { ...pages[pageIndex]!, modules: change(pages[pageIndex]!.modules) };
    return { ...layout, pages };
  }
  return updateModule(layout, slot.parent, (owner) => {
    const props = owner.props;
    if (props.kind === 'group' && slot.tab === null)
      return { ...owner, props: { ...props, children: change(props.children) } };
    if (props.kind === 'tabs' && slot.tab !== null && slot.tab < props.tabs.length) {
      const tabs = props.tabs.slice();
      tabs[slot.tab] = { ...tabs[slot.tab]!, children: change(tabs[slot.tab]!.children) };
      return { ...owner, props: { ...props, tabs } };
    }
    return owner;
  });
}

/** The layout with module `id` replaced by `change(module)`; unchanged (same object) if nothing changed. */
export function updateModule(layout: Layout, id: string, change: (module: Module) => Module): Layout {
  const inList = (modules: Module[]): Module[] | null => {
    for (let index = 0; index < modules.length; index++) {
      const module = modules[index]!;
      let next: Module | null = null;
      if (module.id === id) {
        next = change(module);
      } else {
        next = inChildren(module);
      }
      if (next !== null && next !== module) {
        const copy = modules.slice();
        copy[index] = next;
        return copy;
      }
      if (next !== null) return modules;
    }
    return null;
  };
  const inChildren = (module: Module): Module | null => {
    const props = module.props;
    if (props.kind === 'group') {
      const children = inList(props.children);
      if (children === null) return null;
      return children === props.children ? module : { ...module, props: { ...props, children } };
    }
    if (props.kind === 'tabs') {
      for (let t = 0; t < props.tabs.length; t++) {
        const tab = props.tabs[t]!;
        const children = inList(tab.children);
        if (children === null) continue;
        if (children === tab.children) return module;
        const tabs = props.tabs.slice();
        tabs[t] = { ...tab, children };
        return { ...module, props: { ...props, tabs } };
      }
    }
    return null;
  };
  const home = inList(layout.modules);
  if (home !== null) return home === layout.modules ? layout : { ...layout, modules: home };
  for (let p = 0; p < layout.pages.length; p++) {
    const page = layout.pages[p]!;
    const modules = inList(page.modules);
    if (modules === null) continue;
    if (modules === page.modules) return layout;
    const pages = layout.pages.slice();
    pages[p] = { ...page, modules };
    return { ...layout, pages };
  }
  return layout;
}

export function insertAt(layout: Layout, target: Target, modules: Module[]): Layout {
  return updateList(layout, target.slot, (list) => {
    const index = Math.max(0, Math.min(target.index, list.length));
    return [...list.slice(0, index), ...modules, ...list.slice(index)];
  });
}

export function removeModule(layout: Layout, id: string): Layout {
  const at = locate(layout, id);
  if (!at) return layout;
  return updateList(layout, at.slot, (list) => list.filter((m) => m.id !== id));
}

/** Whether `target` lies inside the module `id` (its own lists or its descendants'). */
export function targetInside(layout: Layout, id: string, slot: Slot): boolean {
  if (slot.parent === null) return false;
  const moved = locate(layout, id);
  if (!moved) return false;
  return subtreeIds(moved.module).has(slot.parent);
}

/**
 * The layout with `id` moved to `target` (an index in the list as it is
 * before the move). The same layout when the move is refused (into itself or
 * a descendant, or a slot that names nothing) or changes nothing.
 */
export function moveModule(layout: Layout, id: string, target: Target): Layout {
  const from = locate(layout, id);
  if (!from) return layout;
  if (targetInside(layout, id, target.slot)) return layout;
  const list = listAt(layout, target.slot);
  if (list === null) return layout;
  let index = Math.max(0, Math.min(target.index, list.length));
  if (sameSlot(from.slot, target.slot)) {
    if (index === from.index || index === from.index + 1) return layout;
    if (index > from.index) index -= 1;
  }
  const without = updateList(layout, from.slot, (modules) => modules.filter((m) => m.id !== id));
  return insertAt(without, { slot: target.slot, index }, [from.module]);
}

/** A copy of the module and its descendants with ids not in `taken` (which it extends). */
export function withFreshIds(module: Module, taken: Set<string>): Module {
  const id = freshId(module.id, taken);
  taken.add(id);
  const props = module.props;
  if (props.kind === 'group') {
    return { id, props: { ...props, children: props.children.map((c) => withFreshIds(c, taken)) } };
  }
  if (props.kind === 'tabs') {
    return {
      id,
      props: {
        ...props,
        tabs: props.tabs.map((tab) => ({ ...tab, children: tab.children.map((c) => withFreshIds(c, taken)) })),
      },
    };
  }
  return { id, props: structuredClone(props) };
}

/** `base` if free, else `base-2`, `base-3`, … (a trailing `-N` of base is dropped first). */
export function freshId(base: string, taken: ReadonlySet<string>): string {
  const stem = (base.replace(/-\d+$/, '') || 'module').slice(0, 56);
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) {
    const id = `${stem}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** Structural equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (const key of ak) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
