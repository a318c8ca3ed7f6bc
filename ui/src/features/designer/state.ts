// The designer's state: the layout being edited, the selection, and one
// undo/redo history. A pure reducer, so every rule below is tested without a
// screen:
//   - every change is one step; a change that changes nothing is no step;
//   - a move (reorder) is a step;
//   - edits of the same field within COALESCE_MS of each other are one step
//     that keeps the last value; a blur (`end_typing`) ends the step;
//   - HISTORY_LIMIT steps are kept.
import type { Layout, Menu, Module, ModuleKind } from '../../shared/model';
import {
  allIds,
  deepEqual,
  insertAt,
  locate,
  moveModule,
  removeModule,
  targetInside,
  updateModule,
  withFreshIds,
  HOME,
  type Target,
} from './tree';

export const HISTORY_LIMIT = 100;
export const COALESCE_MS = 1000;

export interface DesignerState {
  layout: Layout;
  /** The selected module's id; null: nothing (the inspector shows the menu). */
  selected: string | null;
  /** Earlier layouts, oldest first. */
  past: Layout[];
  /** Undone layouts, the next redo last. */
  future: Layout[];
  /** The field being typed in, while its edits still join the last step. */
  typing: { key: string; at: number } | null;
}

export type DesignerAction =
  | { type: 'load'; layout: Layout; past?: Layout[]; future?: Layout[] }
  | { type: 'select'; id: string | null }
  /** New modules at a place (from the palette, a paste); ids are made unique. */
  | { type: 'insert'; modules: Module[]; at: Target }
  | { type: 'move'; id: string; to: Target }
  /** Up (-1) or down (+1) within its list. */
  | { type: 'move_by'; id: string; delta: -1 | 1 }
  | { type: 'remove'; id: string }
  | { type: 'duplicate'; id: string }
  /** Props of one module; `field` (a path such as `entries.0.label`) with `now` joins typing into one step. */
  | { type: 'set_props'; id: string; props: ModuleKind; field?: string; now?: number }
  | { type: 'set_menu'; menu: Menu; field?: string; now?: number }
  /** A page a menu item or an entry can open; the caller names it (`freshPageId`). */
  | { type: 'add_page'; id: string; title: string }
  /** A page's title; typing joins one step as in a field. */
  | { type: 'rename_page'; id: string; title: string; now?: number }
  /** A page and its modules; what opened it then shows as a problem to fix. */
  | { type: 'remove_page'; id: string }
  /** A whole new layout (template, import, conflict resolution): one step. */
  | { type: 'replace'; layout: Layout }
  | { type: 'end_typing' }
  | { type: 'undo' }
  | { type: 'redo' };

export function initialState(layout: Layout): DesignerState {
  return { layout, selected: null, past: [], future: [], typing: null };
}

/** The place right after the selected module, or the end of the home page. */
export function placeAfter(layout: Layout, selected: string | null): Target {
  const at = selected === null ? null : locate(layout, selected);
  if (at) return { slot: at.slot, index: at.index + 1 };
  return { slot: HOME, index: layout.modules.length };
}

/** A new step: the current layout goes into the past, the future is dropped. */
function commit(
  state: DesignerState,
  layout: Layout,
  selected: string | null = state.selected,
  typing: DesignerState['typing'] = null,
): DesignerState {
  if (layout === state.layout) return state;
  const past =
    state.past.length >= HISTORY_LIMIT ? state.past.slice(state.past.length - HISTORY_LIMIT + 1) : state.past.slice();
  past.push(state.layout);
  return { layout, selected, past, future: [], typing };
}

/** An edit of one field: joins the open step if it is the same field and recent enough. */
function edit(state: DesignerState, layout: Layout, field: string | undefined, now: number | undefined): DesignerState {
  if (layout === state.layout) return state;
  if (field !== undefined && now !== undefined) {
    const open = state.typing;
    if (open && open.key === field && now - open.at <= COALESCE_MS && state.past.length > 0) {
      // The same step, with the newest value; the layout before the step stays in the past.
      return { ...state, layout, future: [], typing: { key: field, at: now } };
    }
    return commit(state, layout, state.selected, { key: field, at: now });
  }
  return commit(state, layout);
}

/** The selection if it still exists in the layout, else nothing. */
function keepSelection(layout: Layout, selected: string | null): string | null {
  return selected !== null && locate(layout, selected) ? selected : null;
}

export function reducer(state: DesignerState, action: DesignerAction): DesignerState {
  switch (action.type) {
    case 'load':
      return {
        layout: action.layout,
        selected: null,
        past: (action.past ?? []).slice(-HISTORY_LIMIT),
        future: (action.future ?? []).slice(-HISTORY_LIMIT),
        typing: null,
      };
    case 'select': {
      const id = action.id !== null && locate(state.layout, action.id) ? action.id : null;
      return id === state.selected ? state : { ...state, selected: id, typing: null };
    }
    case 'insert': {
      if (action.modules.length === 0) return state;
      if (action.at.slot.parent !== null && !locate(state.layout, action.at.slot.parent)) return state;
      const taken = allIds(state.layout);
      const fresh = action.modules.map((m) => withFreshIds(m, taken));
      const layout = insertAt(state.layout, action.at, fresh);
      if (layout === state.layout) return state;
      return commit(state, layout, fresh[fresh.length - 1]!.id);
    }
    case 'move': {
      if (targetInside(state.layout, action.id, action.to.slot)) return state;
      return commit(state, moveModule(state.layout, action.id, action.to), action.id);
    }
    case 'move_by': {
      const at = locate(state.layout, action.id);
      if (!at) return state;
      const index = action.delta < 0 ? at.index - 1 : at.index + 2;
      if (index < 0) return state;
      return commit(state, moveModule(state.layout, action.id, { slot: at.slot, index }), action.id);
    }
    case 'remove': {
      const layout = removeModule(state.layout, action.id);
      if (layout === state.layout) return state;
      return commit(state, layout, keepSelection(layout, state.selected === action.id ? null : state.selected));
    }
    case 'duplicate': {
      const at = locate(state.layout, action.id);
      if (!at) return state;
      const copy = withFreshIds(at.module, allIds(state.layout));
      return commit(state, insertAt(state.layout, { slot: at.slot, index: at.index + 1 }, [copy]), copy.id);
    }
    case 'set_props': {
      const layout = updateModule(state.layout, action.id, (module) =>
        deepEqual(module.props, action.props) ? module : { ...module, props: action.props },
      );
      return edit(state, layout, action.field === undefined ? undefined : `${action.id}:${action.field}`, action.now);
    }
    case 'set_menu': {
      if (deepEqual(state.layout.menu, action.menu)) return state;
      return edit(
        state,
        { ...state.layout, menu: action.menu },
        action.field === undefined ? undefined : `menu:${action.field}`,
        action.now,
      );
    }
    case 'add_page': {
      if (state.layout.pages.some((p) => p.id === action.id)) return state;
      const pages = [...state.layout.pages, { id: action.id, title: action.title, modules: [] }];
      return commit(state, { ...state.layout, pages }, null);
    }
    case 'rename_page': {
      const page = state.layout.pages.find((p) => p.id === action.id);
      if (!page || page.title === action.title) return state;
      const pages = state.layout.pages.map((p) => (p === page ? { ...p, title: action.title } : p));
      return edit(state, { ...state.layout, pages }, `page:${action.id}:title`, action.now);
    }
    case 'remove_page': {
      const pages = state.layout.pages.filter((p) => p.id !== action.id);
      if (pages.length === state.layout.pages.length) return state;
      const layout = { ...state.layout, pages };
      return commit(state, layout, keepSelection(layout, state.selected));
    }
    case 'replace': {
      if (deepEqual(state.layout, action.layout)) return state;
      return commit(state, action.layout, keepSelection(action.layout, state.selected));
    }
    case 'end_typing':
      return state.typing === null ? state : { ...state, typing: null };
    case 'undo': {
      const previous = state.past[state.past.length - 1];
      if (previous === undefined) return state;
      return {
        layout: previous,
        selected: keepSelection(previous, state.selected),
        past: state.past.slice(0, -1),
        future: [...state.future, state.layout],
        typing: null,
      };
    }
    case 'redo': {
      const next = state.future[state.future.length - 1];
      if (next === undefined) return state;
      return {
        layout: next,
        selected: keepSelection(next, state.selected),
        past: [...state.past, state.layout].slice(-HISTORY_LIMIT),
        future: state.future.slice(0, -1),
        typing: null,
      };
    }
  }
}

/** An id no page of `layout` has yet: `page-1`, `page-2`, … */
export function freshPageId(layout: Layout): string {
  const taken = new Set(layout.pages.map((p) => p.id));
  for (let n = layout.pages.length + 1; ; n++) if (!taken.has(`page-${n}`)) return `page-${n}`;
}

/**
 * The designer for a role without design rights: the layout can be looked
 * at and its modules selected, nothing changed (the server would refuse it).
 */
export function readOnlyReducer(state: DesignerState, action: DesignerAction): DesignerState {
  return action.type === 'load' || action.type === 'select' || action.type === 'end_typing'
    ? reducer(state, action)
    : state;
}

/** What `saveDesignerHistory` keeps: the steps and the sample subscriber. */
export interface StoredHistory<S> {
  version: 1;
  past: Layout[];
  future: Layout[];
  sample: S | null;
}

export function serializeHistory<S>(state: DesignerState, sample: S | null): string {
  const stored: StoredHistory<S> = {
    version: 1,
    past: state.past.slice(-HISTORY_LIMIT),
    future: state.future.slice(-HISTORY_LIMIT),
    sample,
  };
  return JSON.stringify(stored);
}

/** The stored history, or null when there is none or it is not ours. */
export function parseHistory<S>(text: string | null): StoredHistory<S> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<StoredHistory<S>>;
    if (value.version !== 1 || !Array.isArray(value.past) || !Array.isArray(value.future)) return null;
    return { version: 1, past: value.past, future: value.future, sample: value.sample ?? null };
  } catch {
    return null;
  }
}
