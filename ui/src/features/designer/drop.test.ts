import { describe, expect, it } from 'vitest';
import { canvasDrop, outlineDrop, type Box, type CanvasGeometry, type OutlineRow } from './drop';
import { HOME, type Slot } from './tree';

const box = (top: number, bottom: number, left = 0, right = 360): Box => ({ top, bottom, left, right });
const none = new Set<string>();

// A screen with: a (0–50), group g (60–200, body 90–190 holding x at 100–140), b (210–260), tabs t (270–400, panel 310–390, empty).
const gSlot: Slot = { parent: 'g', tab: null };
const tSlot: Slot = { parent: 't', tab: 1 };
const geometry: CanvasGeometry = {
  root: { slot: HOME, box: box(0, 600), count: 4 },
  modules: [
    { id: 'a', slot: HOME, index: 0, box: box(0, 50), inner: null },
    { id: 'g', slot: HOME, index: 1, box: box(60, 200), inner: { slot: gSlot, box: box(90, 190, 12, 348), count: 1 } },
    { id: 'x', slot: gSlot, index: 0, box: box(100, 140, 12, 348), inner: null },
    { id: 'b', slot: HOME, index: 2, box: box(210, 260), inner: null },
    {
      id: 't',
      slot: HOME,
      index: 3,
      box: box(270, 400),
      inner: { slot: tSlot, box: box(310, 390, 12, 348), count: 0 },
      tabButtons: [
        { slot: { parent: 't', tab: 0 }, box: box(275, 300, 12, 100), count: 2 },
        { slot: tSlot, box: box(275, 300, 100, 200), count: 0 },
      ],
    },
  ],
};

describe('canvas drop', () => {
  it('between two modules: the bottom half of one is after it, the top half of the next before it', () => {
    expect(canvasDrop(geometry, 100, 40, none)?.target).toEqual({ slot: HOME, index: 1 });
    expect(canvasDrop(geometry, 100, 215, none)?.target).toEqual({ slot: HOME, index: 2 });
  });

  it('near a container’s edge: beside it, not inside', () => {
    const above = canvasDrop(geometry, 100, 62, none)!;
    expect(above.target).toEqual({ slot: HOME, index: 1 });
    expect(above.indicator).toMatchObject({ kind: 'line', inside: false });
    const below = canvasDrop(geometry, 100, 196, none)!;
    expect(below.target).toEqual({ slot: HOME, index: 2 });
  });

  it('in a group’s body: into the group, before or after its children', () => {
    const first = canvasDrop(geometry, 100, 95, none)!;
    expect(first.target).toEqual({ slot: gSlot, index: 0 });
    expect(first.indicator).toMatchObject({ kind: 'line', inside: true });
    expect(canvasDrop(geometry, 100, 180, none)?.target).toEqual({ slot: gSlot, index: 1 });
    // Over the child itself: beside the child, in the group.
    expect(canvasDrop(geometry, 100, 135, none)?.target).toEqual({ slot: gSlot, index: 1 });
  });

  it('into an empty tab, with a box indicator; onto a tab button, into that tab', () => {
    const into = canvasDrop(geometry, 100, 350, none)!;
    expect(into.target).toEqual({ slot: tSlot, index: 0 });
    expect(into.indicator.kind).toBe('box');
    expect(canvasDrop(geometry, 50, 290, none)?.target).toEqual({ slot: { parent: 't', tab: 0 }, index: 2 });
  });

  it('never into the dragged module or its descendants', () => {
    const dragged = new Set(['g', 'x']);
    const drop = canvasDrop(geometry, 100, 120, dragged)!;
    expect(drop.target.slot).toEqual(HOME);
    const tabs = canvasDrop(geometry, 100, 350, new Set(['t']))!;
    expect(tabs.target.slot).toEqual(HOME);
    expect(canvasDrop(geometry, 50, 290, new Set(['t']))?.target.slot).toEqual(HOME);
  });

  it('below everything: the end of the page; outside the screen: nowhere', () => {
    expect(canvasDrop(geometry, 100, 500, none)?.target).toEqual({ slot: HOME, index: 4 });
    expect(canvasDrop(geometry, 500, 100, none)).toBeNull();
  });
});

describe('outline drop', () => {
  const rows: OutlineRow[] = [
    { kind: 'module', id: 'a', slot: HOME, index: 0, into: null, depth: 0, box: box(0, 30) },
    { kind: 'module', id: 'g', slot: HOME, index: 1, into: gSlot, depth: 0, box: box(30, 60) },
    { kind: 'module', id: 'x', slot: gSlot, index: 0, into: null, depth: 1, box: box(60, 90) },
    { kind: 'module', id: 't', slot: HOME, index: 2, into: null, depth: 0, box: box(90, 120) },
    { kind: 'tab', id: 't', slot: HOME, index: 2, into: tSlot, depth: 1, box: box(120, 150) },
  ];
  const root = { slot: HOME, count: 3, box: box(0, 400) };

  it('before and after a row, into a group, into a tab, and at the end', () => {
    expect(outlineDrop(rows, root, 5, none)?.target).toEqual({ slot: HOME, index: 0 });
    expect(outlineDrop(rows, root, 25, none)?.target).toEqual({ slot: HOME, index: 1 });
    expect(outlineDrop(rows, root, 35, none)?.target).toEqual({ slot: HOME, index: 1 });
    expect(outlineDrop(rows, root, 55, none)?.target).toEqual({ slot: gSlot, index: 0 });
    expect(outlineDrop(rows, root, 130, none)?.target).toEqual({ slot: tSlot, index: 0 });
    expect(outlineDrop(rows, root, 300, none)?.target).toEqual({ slot: HOME, index: 3 });
  });

  it('refuses the dragged container’s own inside', () => {
    expect(outlineDrop(rows, root, 55, new Set(['g', 'x']))).toBeNull();
    expect(outlineDrop(rows, root, 130, new Set(['t']))).toBeNull();
  });
});
