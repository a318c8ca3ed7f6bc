import { describe, expect, it } from 'vitest';
import { everyKindLayout } from '../../renderer/fixtures';
import type { Layout, Module, ModuleKind } from '../../shared/model';
import {
  COALESCE_MS,
  HISTORY_LIMIT,
  freshPageId,
  initialState,
  parseHistory,
  placeAfter,
  reducer,
  serializeHistory,
  type DesignerAction,
  type DesignerState,
} from './state';
import { allIds, locate, HOME } from './tree';

const notice = (id: string, text = id): Module => ({ id, props: { kind: 'notice', text, action: null } });
const group = (id: string, children: Module[] = []): Module => ({ id, props: { kind: 'group', title: id, children } });
const tabs = (id: string, ...lists: Module[][]): Module => ({
  id,
  props: { kind: 'tabs', tabs: lists.map((children, i) => ({ label: `tab ${i}`, children })) },
});

function layoutOf(...modules: Module[]): Layout {
  return { schema_version: 1, modules, pages: [], menu: { items: [] } };
}

function run(state: DesignerState, ...actions: DesignerAction[]): DesignerState {
  return actions.reduce(reducer, state);
}

const ids = (modules: Module[]) => modules.map((m) => m.id);
const children = (layout: Layout, id: string): string[] => {
  const props = locate(layout, id)!.module.props;
  if (props.kind === 'group') return ids(props.children);
  throw new Error('not a group');
};
const tabChildren = (layout: Layout, id: string, tab: number): string[] => {
  const props = locate(layout, id)!.module.props;
  if (props.kind === 'tabs') return ids(props.tabs[tab]!.children);
  throw new Error('not tabs');
};

describe('insert and move', () => {
  const base = layoutOf(notice('a'), group('g1', [notice('x')]), group('g2'), notice('b'));

  it('inserts at an index, with a fresh id, and selects the new module', () => {
    const s = run(initialState(base), { type: 'insert', modules: [notice('a')], at: { slot: HOME, index: 1 } });
    expect(ids(s.layout.modules)).toEqual(['a', 'a-2', 'g1', 'g2', 'b']);
    expect(s.selected).toBe('a-2');
    expect(s.past).toHaveLength(1);
  });

  it('drops between two containers at the top level, not into either', () => {
    const s = run(initialState(base), { type: 'move', id: 'a', to: { slot: HOME, index: 2 } });
    expect(ids(s.layout.modules)).toEqual(['g1', 'a', 'g2', 'b']);
    expect(children(s.layout, 'g1')).toEqual(['x']);
    expect(children(s.layout, 'g2')).toEqual([]);
  });

  it('drops beside a container (after it), not inside it', () => {
    const s = run(initialState(base), { type: 'move', id: 'b', to: { slot: HOME, index: 2 } });
    expect(ids(s.layout.modules)).toEqual(['a', 'g1', 'b', 'g2']);
    expect(children(s.layout, 'g1')).toEqual(['x']);
  });

  it('drops into a group at an index and into a tab', () => {
    let s = run(initialState(base), { type: 'move', id: 'a', to: { slot: { parent: 'g1', tab: null }, index: 0 } });
    expect(children(s.layout, 'g1')).toEqual(['a', 'x']);
    expect(ids(s.layout.modules)).toEqual(['g1', 'g2', 'b']);

    const withTabs = layoutOf(notice('a'), tabs('t', [notice('y')], []));
    s = run(initialState(withTabs), { type: 'move', id: 'a', to: { slot: { parent: 't', tab: 1 }, index: 0 } });
    expect(tabChildren(s.layout, 't', 1)).toEqual(['a']);
    expect(tabChildren(s.layout, 't', 0)).toEqual(['y']);
    expect(ids(s.layout.modules)).toEqual(['t']);
  });

  it('moves a module out of a group to the top level', () => {
    const s = run(initialState(base), { type: 'move', id: 'x', to: { slot: HOME, index: 0 } });
    expect(ids(s.layout.modules)).toEqual(['x', 'a', 'g1', 'g2', 'b']);
    expect(children(s.layout, 'g1')).toEqual([]);
  });

  it('refuses to drop a container into itself or its own descendant', () => {
    const nested = layoutOf(group('outer', [group('inner', [notice('leaf')])]), notice('b'));
    const start = initialState(nested);
    expect(run(start, { type: 'move', id: 'outer', to: { slot: { parent: 'outer', tab: null }, index: 0 } })).toBe(
      start,
    );
    expect(run(start, { type: 'move', id: 'outer', to: { slot: { parent: 'inner', tab: null }, index: 1 } })).toBe(
      start,
    );
    // …but the inner one may move out, beside its parent.
    const s = run(start, { type: 'move', id: 'inner', to: { slot: HOME, index: 1 } });
    expect(ids(s.layout.modules)).toEqual(['outer', 'inner', 'b']);
  });

  it('keeps the identity of every module it does not touch', () => {
    const layout = everyKindLayout();
    const s = run(initialState(layout), {
      type: 'set_props',
      id: 'member_notice',
      props: { kind: 'notice', text: 'changed', action: null },
    });
    const before = layout.modules;
    const after = s.layout.modules;
    for (let i = 0; i < before.length; i++) {
      if (before[i]!.id === 'member') expect(after[i]).not.toBe(before[i]);
      else expect(after[i]).toBe(before[i]);
    }
    expect(s.layout.menu).toBe(layout.menu);
  });

  it('moves up and down within a list, each move one step; at the edge nothing happens', () => {
    let s = run(initialState(base), { type: 'move_by', id: 'b', delta: -1 });
    expect(ids(s.layout.modules)).toEqual(['a', 'g1', 'b', 'g2']);
    expect(s.past).toHaveLength(1);
    s = run(s, { type: 'move_by', id: 'b', delta: 1 });
    expect(ids(s.layout.modules)).toEqual(['a', 'g1', 'g2', 'b']);
    expect(s.past).toHaveLength(2);
    const edge = run(s, { type: 'move_by', id: 'b', delta: 1 });
    expect(edge).toBe(s);
    expect(run(s, { type: 'move_by', id: 'a', delta: -1 })).toBe(s);
  });
});

describe('duplicate, copy and paste', () => {
  it('duplicate gives the copy and its children fresh ids, right after the original', () => {
    const s = run(initialState(layoutOf(group('g', [notice('n')]), notice('b'))), { type: 'duplicate', id: 'g' });
    expect(ids(s.layout.modules)).toEqual(['g', 'g-2', 'b']);
    expect(children(s.layout, 'g-2')).toEqual(['n-2']);
    expect(s.selected).toBe('g-2');
    const all = [...allIds(s.layout)];
    expect(new Set(all).size).toBe(all.length);
  });

  it('paste (an insert of copied modules) gives fresh ids even when pasted twice', () => {
    const copied = [group('g', [notice('n')])];
    let s = initialState(layoutOf(group('g', [notice('n')])));
    s = run(
      s,
      { type: 'insert', modules: copied, at: placeAfter(s.layout, 'g') },
      { type: 'insert', modules: copied, at: placeAfter(s.layout, null) },
    );
    const all = [...allIds(s.layout)];
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
    // The copied originals are not changed by pasting.
    expect(copied[0]!.id).toBe('g');
  });

  it('undo and redo duplicate, paste, move and remove', () => {
    const start = initialState(layoutOf(notice('a'), notice('b')));
    const steps: DesignerAction[] = [
      { type: 'duplicate', id: 'a' },
      { type: 'insert', modules: [notice('z')], at: { slot: HOME, index: 0 } },
      { type: 'move', id: 'b', to: { slot: HOME, index: 0 } },
      { type: 'remove', id: 'a' },
    ];
    const states = [start];
    for (const step of steps) states.push(reducer(states[states.length - 1]!, step));
    let s = states[states.length - 1]!;
    expect(ids(s.layout.modules)).toEqual(['b', 'z', 'a-2']);
    for (let i = states.length - 2; i >= 0; i--) {
      s = reducer(s, { type: 'undo' });
      expect(s.layout).toEqual(states[i]!.layout);
    }
    expect(reducer(s, { type: 'undo' })).toBe(s);
    for (let i = 1; i < states.length; i++) {
      s = reducer(s, { type: 'redo' });
      expect(s.layout).toEqual(states[i]!.layout);
    }
    expect(reducer(s, { type: 'redo' })).toBe(s);
  });
});

describe('history', () => {
  const text = (s: DesignerState, id: string) => (locate(s.layout, id)!.module.props as { text: string }).text;
  const typed = (id: string, value: string, now: number): DesignerAction => ({
    type: 'set_props',
    id,
    props: { kind: 'notice', text: value, action: null },
    field: 'text',
    now,
  });

  it('a click that changes nothing is no step', () => {
    const start = initialState(layoutOf(notice('a', 'hello')));
    const same: ModuleKind = { kind: 'notice', text: 'hello', action: null };
    expect(run(start, { type: 'set_props', id: 'a', props: same })).toBe(start);
    expect(run(start, { type: 'set_menu', menu: { items: [] } })).toBe(start);
    expect(run(start, { type: 'move', id: 'a', to: { slot: HOME, index: 0 } })).toBe(start);
    expect(run(start, { type: 'move', id: 'a', to: { slot: HOME, index: 1 } })).toBe(start);
    expect(run(start, { type: 'replace', layout: structuredClone(start.layout) })).toBe(start);
    const selected = run(start, { type: 'select', id: 'a' });
    expect(selected.past).toHaveLength(0);
    expect(selected.selected).toBe('a');
  });

  it('a reorder is a step, and undo puts the order back', () => {
    const start = initialState(layoutOf(notice('a'), notice('b'), notice('c')));
    const s = run(start, { type: 'move', id: 'c', to: { slot: HOME, index: 0 } });
    expect(ids(s.layout.modules)).toEqual(['c', 'a', 'b']);
    expect(s.past).toHaveLength(1);
    expect(ids(run(s, { type: 'undo' }).layout.modules)).toEqual(['a', 'b', 'c']);
  });

  it('typing 5 characters is one step that keeps the final value', () => {
    let s = initialState(layoutOf(notice('a', '')));
    const t0 = 10_000;
    for (const [i, value] of ['h', 'he', 'hel', 'hell', 'hello'].entries()) s = run(s, typed('a', value, t0 + i * 300));
    s = run(s, { type: 'end_typing' });
    expect(s.past).toHaveLength(1);
    expect(text(s, 'a')).toBe('hello');
    const undone = run(s, { type: 'undo' });
    expect(text(undone, 'a')).toBe('');
    expect(text(run(undone, { type: 'redo' }), 'a')).toBe('hello');
  });

  it('typing is split into steps by a pause, a blur, or another field', () => {
    let s = initialState(layoutOf(notice('a', ''), notice('b', '')));
    s = run(s, typed('a', 'x', 0), typed('a', 'xy', COALESCE_MS + 1));
    expect(s.past).toHaveLength(2);
    s = run(s, { type: 'end_typing' }, typed('a', 'xyz', COALESCE_MS + 2));
    expect(s.past).toHaveLength(3);
    s = run(s, typed('b', 'q', COALESCE_MS + 3));
    expect(s.past).toHaveLength(4);
    s = run(s, { type: 'undo' }, { type: 'undo' });
    expect(text(s, 'a')).toBe('xy');
  });

  it(`keeps at least ${HISTORY_LIMIT} steps`, () => {
    let s = initialState(layoutOf(notice('a', 'v0')));
    for (let i = 1; i <= HISTORY_LIMIT + 20; i++)
      s = run(s, { type: 'set_props', id: 'a', props: { kind: 'notice', text: `v${i}`, action: null } });
    expect(s.past).toHaveLength(HISTORY_LIMIT);
    for (let i = 0; i < HISTORY_LIMIT; i++) s = run(s, { type: 'undo' });
    expect(text(s, 'a')).toBe(`v20`);
    expect(run(s, { type: 'undo' })).toBe(s);
  });

  it('a new change after undo drops the redo steps', () => {
    let s = run(initialState(layoutOf(notice('a'), notice('b'))), { type: 'remove', id: 'a' }, { type: 'undo' });
    expect(s.future).toHaveLength(1);
    s = run(s, { type: 'remove', id: 'b' });
    expect(s.future).toHaveLength(0);
    expect(run(s, { type: 'redo' })).toBe(s);
  });

  it('undo clears a selection that no longer exists', () => {
    const s = run(initialState(layoutOf(notice('a'))), {
      type: 'insert',
      modules: [notice('n')],
      at: { slot: HOME, index: 1 },
    });
    expect(s.selected).toBe('n');
    expect(run(s, { type: 'undo' }).selected).toBeNull();
  });

  it('serializes the history and reads it back; anything else reads as none', () => {
    const s = run(
      initialState(layoutOf(notice('a'))),
      { type: 'remove', id: 'a' },
      { type: 'undo' },
      { type: 'insert', modules: [notice('b')], at: { slot: HOME, index: 0 } },
      { type: 'undo' },
    );
    const text = serializeHistory(s, { name: 'x' });
    const back = parseHistory<{ name: string }>(text)!;
    expect(back.past).toEqual(s.past);
    expect(back.future).toEqual(s.future);
    expect(back.sample).toEqual({ name: 'x' });
    const restored = run(initialState(s.layout), {
      type: 'load',
      layout: s.layout,
      past: back.past,
      future: back.future,
    });
    expect(ids(run(restored, { type: 'redo' }).layout.modules)).toEqual(['b', 'a']);
    expect(parseHistory('nonsense')).toBeNull();
    expect(parseHistory('{"version":2}')).toBeNull();
    expect(parseHistory(null)).toBeNull();
  });
});

describe('pages', () => {
  it('adds, renames and removes a page, each one step that undo takes back', () => {
    const start = initialState(layoutOf(notice('a')));
    const added = run(start, { type: 'add_page', id: freshPageId(start.layout), title: '积分商城' });
    expect(added.layout.pages).toEqual([{ id: 'page-1', title: '积分商城', modules: [] }]);
    expect(added.past).toHaveLength(1);
    expect(added.layout.modules).toBe(start.layout.modules);

    // Typing a title is one step keeping the last value.
    let s = added;
    for (const [i, title] of ['积', '积分', '积分兑换'].entries())
      s = run(s, { type: 'rename_page', id: 'page-1', title, now: 50_000 + i * 200 });
    expect(s.past).toHaveLength(2);
    expect(s.layout.pages[0]!.title).toBe('积分兑换');
    expect(run(s, { type: 'undo' }).layout.pages[0]!.title).toBe('积分商城');

    // A page with modules goes with them; undo brings both back.
    s = run(
      s,
      { type: 'end_typing' },
      { type: 'insert', modules: [notice('p')], at: { slot: { parent: null, page: 'page-1' }, index: 0 } },
    );
    expect(s.selected).toBe('p');
    const removed = run(s, { type: 'remove_page', id: 'page-1' });
    expect(removed.layout.pages).toEqual([]);
    expect(removed.selected).toBeNull();
    const back = run(removed, { type: 'undo' });
    expect(back.layout.pages[0]!.modules.map((m) => m.id)).toEqual(['p']);
  });

  it('what changes nothing is no step, and a new page never takes a used id', () => {
    const start = initialState({ ...layoutOf(), pages: [{ id: 'page-2', title: 'x', modules: [] }] });
    expect(run(start, { type: 'rename_page', id: 'page-2', title: 'x' })).toBe(start);
    expect(run(start, { type: 'rename_page', id: 'nope', title: 'y' })).toBe(start);
    expect(run(start, { type: 'remove_page', id: 'nope' })).toBe(start);
    expect(run(start, { type: 'add_page', id: 'page-2', title: 'again' })).toBe(start);
    expect(freshPageId(start.layout)).toBe('page-3');
    const two = run(start, { type: 'add_page', id: freshPageId(start.layout), title: 'y' });
    expect(freshPageId(two.layout)).toBe('page-4');
  });
});
