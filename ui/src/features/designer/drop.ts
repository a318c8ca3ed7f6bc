// Where a drop lands, from the pointer and the boxes of what is on screen.
// Pure, so "drop exactly where the indicator shows" is one function used both
// for the indicator and for the drop, and it is tested without a browser.
import type { Slot, Target } from './tree';

export interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** A module on the canvas, in document order (a container before its children). */
export interface CanvasModule {
  id: string;
  slot: Slot;
  index: number;
  box: Box;
  /** A container's visible inner list (a group's body, the shown tab's panel). */
  inner: { slot: Slot; box: Box; count: number } | null;
  /** A tabs module's tab buttons: dropping on one goes into that tab. */
  tabButtons?: { slot: Slot; box: Box; count: number }[];
}

export interface CanvasGeometry {
  /** The home (or page) list: the whole screen. */
  root: { slot: Slot; box: Box; count: number };
  modules: CanvasModule[];
}

export type Indicator =
  { kind: 'line'; top: number; left: number; right: number; inside: boolean } | { kind: 'box'; box: Box };

export interface Drop {
  target: Target;
  indicator: Indicator;
}

/** Near a container's top or bottom edge, a drop goes beside it, not into it. */
export const EDGE = 10;

const within = (box: Box, x: number, y: number) => y >= box.top && y <= box.bottom && x >= box.left && x <= box.right;
const slotKey = (slot: Slot) => (slot.parent === null ? `page:${slot.page ?? ''}` : `${slot.parent}#${slot.tab ?? ''}`);

/**
 * The drop for a point. `excluded`: the dragged module and its descendants,
 * which can neither be dropped into nor used as a reference. Null: nowhere.
 */
export function canvasDrop(geometry: CanvasGeometry, x: number, y: number, excluded: ReadonlySet<string>): Drop | null {
  if (!within(geometry.root.box, x, y)) return null;
  const bySlot = new Map<string, CanvasModule[]>();
  for (const m of geometry.modules) {
    const key = slotKey(m.slot);
    const list = bySlot.get(key) ?? [];
    list.push(m);
    bySlot.set(key, list);
  }
  const siblings = (slot: Slot) => bySlot.get(slotKey(slot)) ?? [];

  // The deepest module under the point that is not being dragged.
  let hit: CanvasModule | null = null;
  for (const m of geometry.modules) if (!excluded.has(m.id) && within(m.box, x, y)) hit = m;

  // Nothing under the point: somewhere in the root list.
  if (hit === null)
    return inList(geometry.root.slot, geometry.root.box, siblings(geometry.root.slot), y, excluded, false);

  for (const tab of hit.tabButtons ?? []) {
    if (within(tab.box, x, y) && !excluded.has(hit.id)) {
      return { target: { slot: tab.slot, index: tab.count }, indicator: { kind: 'box', box: tab.box } };
    }
  }

  const inner = hit.inner;
  const nearEdge = y - hit.box.top < EDGE || hit.box.bottom - y < EDGE;
  if (inner && !nearEdge && within(inner.box, x, y)) {
    return inList(inner.slot, inner.box, siblings(inner.slot), y, excluded, true);
  }
  // Beside the module: before it in its top half, after it in its bottom half.
  const before = y < (hit.box.top + hit.box.bottom) / 2;
  const index = before ? hit.index : hit.index + 1;
  const list = siblings(hit.slot);
  const top = lineBetween(list, index, hit.box);
  return {
    target: { slot: hit.slot, index },
    indicator: { kind: 'line', top, left: hit.box.left, right: hit.box.right, inside: false },
  };
}

/** A drop among the modules of one list, by where the point is against their middles. */
function inList(
  slot: Slot,
  box: Box,
  list: CanvasModule[],
  y: number,
  excluded: ReadonlySet<string>,
  inside: boolean,
): Drop {
  let index = 0;
  for (const m of list) {
    if ((m.box.top + m.box.bottom) / 2 < y) index = m.index + 1;
  }
  const visible = list.filter((m) => !excluded.has(m.id));
  if (inside && visible.length === 0) return { target: { slot, index }, indicator: { kind: 'box', box } };
  const top = list.length === 0 ? box.top + 4 : lineBetween(list, index, box);
  return { target: { slot, index }, indicator: { kind: 'line', top, left: box.left, right: box.right, inside } };
}

/** The y of a line before the module at `index` of a list (after the last one at the end). */
function lineBetween(list: CanvasModule[], index: number, fallback: Box): number {
  const after = list.find((m) => m.index === index);
  const before = list.find((m) => m.index === index - 1);
  if (before && after) return (before.box.bottom + after.box.top) / 2;
  if (after) return after.box.top - 3;
  if (before) return before.box.bottom + 3;
  return fallback.top + 4;
}

/** A row of the outline: a module, or one tab of a tabs module. */
export interface OutlineRow {
  kind: 'module' | 'tab';
  /** The module id (of the tabs module for a tab row). */
  id: string;
  /** The module's own list and index (module rows). */
  slot: Slot;
  index: number;
  /** For a container's module row, or a tab row: the list a drop on it goes into. */
  into: Slot | null;
  depth: number;
  box: Box;
}

/**
 * The drop for a point over the outline: the top half of a row is before it;
 * the bottom half is after it, or, for a group or a tab, into it (first).
 * Below the last row: the end of the root list.
 */
export function outlineDrop(
  rows: OutlineRow[],
  root: { slot: Slot; count: number; box: Box },
  y: number,
  excluded: ReadonlySet<string>,
  indent = 16,
): Drop | null {
  if (rows.length === 0) {
    return {
      target: { slot: root.slot, index: 0 },
      indicator: { kind: 'line', top: root.box.top + 2, left: root.box.left, right: root.box.right, inside: false },
    };
  }
  const row = rows.find((r) => y >= r.box.top && y < r.box.bottom);
  if (!row) {
    const last = rows[rows.length - 1]!;
    if (y < rows[0]!.box.top) return outlineDrop(rows, root, rows[0]!.box.top, excluded, indent);
    return {
      target: { slot: root.slot, index: root.count },
      indicator: { kind: 'line', top: last.box.bottom, left: root.box.left, right: root.box.right, inside: false },
    };
  }
  if (excluded.has(row.id) && row.kind === 'tab') return null;
  const upper = y < (row.box.top + row.box.bottom) / 2;
  const left = row.box.left + row.depth * indent;
  if (row.kind === 'tab') {
    if (row.into === null) return null;
    return { target: { slot: row.into, index: 0 }, indicator: { kind: 'box', box: row.box } };
  }
  if (upper || row.into === null) {
    if (excluded.has(row.id) && !upper) return null;
    const index = upper ? row.index : row.index + 1;
    return {
      target: { slot: row.slot, index },
      indicator: { kind: 'line', top: upper ? row.box.top : row.box.bottom, left, right: row.box.right, inside: false },
    };
  }
  if (excluded.has(row.id)) return null;
  return { target: { slot: row.into, index: 0 }, indicator: { kind: 'box', box: { ...row.box, left } } };
}
