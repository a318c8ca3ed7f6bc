// The designer's cost of one edit on a 200-module layout: the reducer, then
// the phone mock's re-render (shared renderer, modules memoised on identity).
// Run from ui/:  npx vitest bench --run
// Prints median and p95 in ms; no pass or fail.
import { createElement } from 'react';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { bench, describe } from 'vitest';
import { FunctionView } from '../src/renderer';
import { DEFAULT_SAMPLE } from '../src/renderer/template';
import { everyKindLayout } from '../src/renderer/fixtures';
import type { Layout, Module } from '../src/shared/model';
import { initialState, reducer, type DesignerState } from '../src/features/designer/state';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** 200 modules: copies of every kind (with their groups and tabs), ids made unique. */
function bigLayout(count = 200): Layout {
  const kinds = everyKindLayout().modules;
  const modules: Module[] = [];
  let n = 0;
  const renumber = (m: Module): Module => {
    const copy = structuredClone(m);
    const visit = (x: Module) => {
      x.id = `${x.id}-${n++}`;
      if (x.props.kind === 'group') x.props.children.forEach(visit);
      if (x.props.kind === 'tabs') x.props.tabs.forEach((t) => t.children.forEach(visit));
    };
    visit(copy);
    return copy;
  };
  while (n < count) modules.push(renumber(kinds[modules.length % kinds.length]!));
  return { ...everyKindLayout(), modules };
}

const samples = { reducer: [] as number[], render: [] as number[], total: [] as number[] };
const noop = () => undefined;
let state: DesignerState = initialState(bigLayout());
let root: Root | null = null;
let container: HTMLDivElement | null = null;
let i = 0;

function setup() {
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  act(() =>
    root!.render(
      createElement(FunctionView, { layout: state.layout, sample: DEFAULT_SAMPLE, page: null, onAction: noop }),
    ),
  );
}

function edit() {
  const target = state.layout.modules[100]!;
  const t0 = performance.now();
  state = reducer(state, {
    type: 'set_props',
    id: target.id,
    props: { kind: 'notice', text: `edit ${i++}`, action: null },
    field: 'text',
    now: i * 2000,
  });
  const t1 = performance.now();
  act(() =>
    root!.render(
      createElement(FunctionView, { layout: state.layout, sample: DEFAULT_SAMPLE, page: null, onAction: noop }),
    ),
  );
  const t2 = performance.now();
  samples.reducer.push(t1 - t0);
  samples.render.push(t2 - t1);
  samples.total.push(t2 - t0);
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms (n=${values.length})`;
}

describe('designer: one edit on a 200-module layout', () => {
  setup();
  bench('reducer + render', edit, {
    iterations: 200,
    warmupIterations: 20,
    time: 0,
    // Only the measured runs count, not the warm-up.
    setup: (_task, mode) => {
      if (mode === 'run') for (const list of Object.values(samples)) list.length = 0;
    },
    // After the runs: the figures, printed once.
    teardown: (_task, mode) => {
      if (mode !== 'run') return;
      const count = container?.querySelectorAll('[data-module-id]').length ?? 0;
      const lines = [
        `modules on screen: ${count}`,
        `reducer: ${stats(samples.reducer)}`,
        `render:  ${stats(samples.render)}`,
        `total:   ${stats(samples.total)}`,
      ];
      process.stdout.write(`\n${lines.join('\n')}\n`);
    },
  });
});
