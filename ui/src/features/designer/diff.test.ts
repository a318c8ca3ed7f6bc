import { describe, expect, it } from 'vitest';
import { everyKindLayout } from '../../renderer/fixtures';
import type { Layout } from '../../shared/model';
import { conflictingModules, diffLayouts, mergeLayouts } from './diff';
import { initialState, reducer } from './state';
import { HOME } from './tree';

describe('diffLayouts', () => {
  it('lists modules added, removed, changed and moved, and menu items changed', () => {
    const before = everyKindLayout();
    let s = initialState(before);
    s = reducer(s, { type: 'remove', id: 'coupon' });
    s = reducer(s, { type: 'set_props', id: 'notice', props: { kind: 'notice', text: 'new', action: null } });
    s = reducer(s, {
      type: 'insert',
      modules: [{ id: 'extra', props: { kind: 'spacer', height: 8 } }],
      at: { slot: HOME, index: 0 },
    });
    s = reducer(s, { type: 'move', id: 'member_notice', to: { slot: HOME, index: 0 } });
    const menu = structuredClone(s.layout.menu);
    menu.items[0]!.label = '我的账单';
    s = reducer(s, { type: 'set_menu', menu });
    const changes = diffLayouts(before, s.layout);
    expect(changes).toContainEqual({ what: 'module', change: 'removed', id: 'coupon', kind: 'coupon' });
    expect(changes).toContainEqual({ what: 'module', change: 'changed', id: 'notice', kind: 'notice' });
    expect(changes).toContainEqual({ what: 'module', change: 'added', id: 'extra', kind: 'spacer' });
    expect(changes).toContainEqual({ what: 'module', change: 'moved', id: 'member_notice', kind: 'notice' });
    expect(changes).toContainEqual({ what: 'menu', change: 'changed', id: 'bill', label: '我的账单' });
    expect(diffLayouts(before, structuredClone(before))).toEqual([]);
  });
});

describe('mergeLayouts', () => {
  const base = (): Layout => ({
    schema_version: 1,
    modules: [
      { id: 'a', props: { kind: 'notice', text: 'a', action: null } },
      { id: 'b', props: { kind: 'notice', text: 'b', action: null } },
    ],
    pages: [],
    menu: { items: [] },
  });

  it('takes each module from the side chosen for it', () => {
    const mine = base();
    mine.modules[0]!.props = { kind: 'notice', text: 'mine a', action: null };
    mine.modules.push({ id: 'm', props: { kind: 'spacer', height: 4 } });
    const theirs = base();
    theirs.modules[1]!.props = { kind: 'notice', text: 'their b', action: null };
    theirs.modules.splice(1, 0, { id: 't', props: { kind: 'spacer', height: 8 } });
    expect(conflictingModules(mine, theirs).sort()).toEqual(['a', 'b', 'm', 't']);

    const merged = mergeLayouts(mine, theirs, (id) => (id === 'b' || id === 't' ? 'theirs' : 'mine'), 'mine');
    expect(merged.modules.map((m) => m.id)).toEqual(['a', 't', 'b', 'm']);
    expect(merged.modules.map((m) => (m.props as { text?: string }).text)).toEqual([
      'mine a',
      undefined,
      'their b',
      undefined,
    ]);
    expect(mergeLayouts(mine, theirs, () => 'theirs', 'theirs').modules).toEqual(theirs.modules);
    expect(mergeLayouts(mine, theirs, () => 'mine', 'mine')).toEqual(mine);
  });
});
