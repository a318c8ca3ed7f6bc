import { useDraggable, useDroppable } from '@dnd-kit/core';
import {
  forwardRef,
  memo,
  useCallback,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { Issue, Module } from '../../shared/model';
import type { Indicator, OutlineRow } from './drop';
import { KindIcon } from './Palette';
import { childLists, type Slot } from './tree';

export interface OutlineHandle {
  /** The rows as on screen, in client coordinates, and the list's box. */
  measure: () => { rows: OutlineRow[]; box: { top: number; bottom: number; left: number; right: number } } | null;
}

type Row = Omit<OutlineRow, 'box'> & {
  module: Module;
  label: string;
  tab?: number;
  path: string;
  container: boolean;
  expanded: boolean;
};

/** The rows on screen: a collapsed container's children are left out (a drop on it still goes in, first). */
/** The containers around module `id`, outermost first; null when it is not in `modules`. */
function containersOf(modules: Module[], id: string): string[] | null {
  for (const module of modules) {
    if (module.id === id) return [];
    for (const list of childLists(module)) {
      const inner = containersOf(list.modules, id);
      if (inner) return [module.id, ...inner];
    }
  }
  return null;
}

function flatten(
  modules: Module[],
  slot: Slot,
  path: string,
  depth: number,
  collapsed: ReadonlySet<string>,
  out: Row[],
): void {
  modules.forEach((module, index) => {
    const here = `${path}.${index}`;
    const lists = childLists(module);
    const isGroup = module.props.kind === 'group';
    const expanded = !collapsed.has(module.id);
    out.push({
      kind: 'module',
      id: module.id,
      slot,
      index,
      into: isGroup ? lists[0]!.slot : null,
      depth,
      module,
      label: module.id,
      path: here,
      container: lists.length > 0,
      expanded,
    });
    if (!expanded) return;
    for (const [tabIndex, list] of lists.entries()) {
      if (module.props.kind === 'tabs') {
        out.push({
          kind: 'tab',
          id: module.id,
          slot,
          index,
          into: list.slot,
          depth: depth + 1,
          module,
          label: list.label ?? '',
          tab: tabIndex,
          path: `${here}.props.tabs.${tabIndex}`,
          container: false,
          expanded: true,
        });
        flatten(list.modules, list.slot, `${here}.${list.suffix}`, depth + 2, collapsed, out);
      } else {
        flatten(list.modules, list.slot, `${here}.${list.suffix}`, depth + 1, collapsed, out);
      }
    }
  });
}

type Props = {
  modules: Module[];
  root: Slot;
  rootPath: string;
  selected: string | null;
  issues: Issue[];
  indicator: Indicator | null;
  onSelect: (id: string) => void;
  onMoveBy: (id: string, delta: -1 | 1) => void;
  onRemove: (id: string) => void;
};

/** The layout as a tree: select, drag to move, arrows to walk, Alt+arrows to reorder. */
export const Outline = forwardRef<OutlineHandle, Props>(function Outline(
  { modules, root, rootPath, selected, issues, indicator, onSelect, onMoveBy, onRemove },
  ref,
) {
  const { t } = useTranslation();
  const listRef = useRef<HTMLUListElement | null>(null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  // A module selected elsewhere (on the phone) is never hidden: when the
  // selection changes, the containers around it open.
  const [shownSelection, setShownSelection] = useState<string | null>(null);
  if (selected !== shownSelection) {
    setShownSelection(selected);
    const around = selected === null ? null : containersOf(modules, selected);
    if (around && around.some((id) => collapsed.has(id)))
      setCollapsed(new Set([...collapsed].filter((id) => !around.includes(id))));
  }
  const toggle = useCallback((id: string) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  const rows = useMemo(() => {
    const out: Row[] = [];
    flatten(modules, root, rootPath, 0, collapsed, out);
    return out;
  }, [modules, root, rootPath, collapsed]);
  const { setNodeRef } = useDroppable({ id: 'outline' });

  useImperativeHandle(
    ref,
    () => ({
      measure: () => {
        const list = listRef.current;
        if (!list) return null;
        const nodes = list.querySelectorAll<HTMLElement>('[data-row]');
        const measured: OutlineRow[] = [];
        nodes.forEach((node) => {
          const row = rows[Number(node.dataset.row)];
          if (!row) return;
          const r = node.getBoundingClientRect();
          measured.push({
            kind: row.kind,
            id: row.id,
            slot: row.slot,
            index: row.index,
            into: row.into,
            depth: row.depth,
            box: { top: r.top, bottom: r.bottom, left: r.left, right: r.right },
          });
        });
        const box = list.getBoundingClientRect();
        return {
          rows: measured,
          box: { top: box.top, bottom: Math.max(box.bottom, box.top + 40), left: box.left, right: box.right },
        };
      },
    }),
    [rows],
  );

  const issueCount = useMemo(() => {
    const counts = new Map<string, number>();
    for (const row of rows) {
      if (row.kind !== 'module') continue;
      // Collapsed, a container counts what it hides too.
      const n = issues.filter(
        (i) =>
          i.path === row.path ||
          (i.path.startsWith(`${row.path}.`) &&
            (!row.expanded || !/^\.props\.(children|tabs\.\d+\.children)\.\d+/.test(i.path.slice(row.path.length)))),
      ).length;
      if (n > 0) counts.set(row.id, n);
    }
    return counts;
  }, [rows, issues]);

  // Stable, so the memoised rows do not all re-render on every edit: reads the newest rows when called.
  const latest = useRef({ rows, onSelect, onMoveBy, onRemove, toggle });
  useLayoutEffect(() => {
    latest.current = { rows, onSelect, onMoveBy, onRemove, toggle };
  }, [rows, onSelect, onMoveBy, onRemove, toggle]);
  const onKeyDown = useCallback((event: KeyboardEvent<HTMLElement>, index: number) => {
    const { rows, onSelect, onMoveBy, onRemove, toggle } = latest.current;
    const focusRow = (index: number) => {
      const node = listRef.current?.querySelector<HTMLElement>(`[data-row="${index}"]`);
      node?.focus();
    };
    const row = rows[index]!;
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      if (row.kind !== 'module') return;
      event.preventDefault();
      event.stopPropagation();
      onMoveBy(row.id, event.key === 'ArrowUp' ? -1 : 1);
      return;
    }
    // As in every tree: right opens a container, left closes it.
    if (
      (event.key === 'ArrowRight' && row.container && !row.expanded) ||
      (event.key === 'ArrowLeft' && row.container && row.expanded)
    ) {
      event.preventDefault();
      toggle(row.id);
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      focusRow(Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1))));
    } else if (event.key === 'Home') {
      event.preventDefault();
      focusRow(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      focusRow(rows.length - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onSelect(row.id);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && row.kind === 'module') {
      event.preventDefault();
      event.stopPropagation();
      onRemove(row.id);
    }
  }, []);

  // Measured only while a drop indicator is shown (a drag): a forced layout otherwise.
  const listBox = indicator ? listRef.current?.getBoundingClientRect() : undefined;
  const toLocal = (top: number) => (listBox ? top - listBox.top + (listRef.current?.scrollTop ?? 0) : top);

  return (
    <section className="dz-outline" aria-labelledby="dz-outline-title">
      <h2 id="dz-outline-title" className="dz-panel-title">
        {t('designer.outline.title')}
      </h2>
      <div ref={setNodeRef} className="dz-outline-drop">
        {rows.length === 0 && <p className="muted dz-hint">{t('designer.outline.empty')}</p>}
        <ul ref={listRef} className="dz-outline-list" role="tree" aria-label={t('designer.outline.title')}>
          {rows.map((row, index) => (
            <OutlineItem
              key={row.kind === 'tab' ? `${row.id}#${row.tab ?? 0}` : row.id}
              rowKind={row.kind}
              id={row.id}
              moduleKind={row.module.props.kind}
              depth={row.depth}
              label={row.label}
              tab={row.tab ?? 0}
              index={index}
              selected={row.kind === 'module' && row.id === selected}
              issues={row.kind === 'module' ? (issueCount.get(row.id) ?? 0) : 0}
              container={row.container}
              expanded={row.expanded}
              onToggle={toggle}
              onSelect={onSelect}
              onKeyDown={onKeyDown}
            />
          ))}
        </ul>
        {indicator &&
          listBox &&
          (indicator.kind === 'line' ? (
            <div
              className="dz-indicator-line"
              style={{
                top: toLocal(indicator.top) - 1,
                left: indicator.left - listBox.left,
                width: indicator.right - indicator.left,
              }}
              data-testid="outline-indicator"
            />
          ) : (
            <div
              className="dz-indicator-box"
              style={{
                top: toLocal(indicator.box.top),
                left: indicator.box.left - listBox.left,
                width: indicator.box.right - indicator.box.left,
                height: indicator.box.bottom - indicator.box.top,
              }}
              data-testid="outline-indicator"
            />
          ))}
      </div>
      <p className="muted dz-hint">{t('designer.outline.keys')}</p>
    </section>
  );
});

/** One row; its props are plain values (the rows are rebuilt on every edit), so memo holds for the unchanged ones. */
const OutlineItem = memo(function OutlineItem({
  rowKind,
  id,
  moduleKind: kind,
  depth,
  label,
  tab,
  index,
  selected,
  issues,
  container,
  expanded,
  onToggle,
  onSelect,
  onKeyDown,
}: {
  rowKind: Row['kind'];
  id: string;
  moduleKind: string;
  depth: number;
  label: string;
  tab: number;
  index: number;
  selected: boolean;
  issues: number;
  container: boolean;
  expanded: boolean;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
  onKeyDown: (event: KeyboardEvent<HTMLElement>, index: number) => void;
}) {
  const { t } = useTranslation();
  const data = useMemo(() => ({ type: 'module', id }), [id]);
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: `module:${id}${rowKind === 'tab' ? `#${tab}` : ''}`,
    data,
    disabled: rowKind === 'tab',
  });
  const name = rowKind === 'tab' ? label || t('designer.outline.tab', { n: tab + 1 }) : t(`designer.kind.${kind}.name`);
  return (
    <li
      ref={setNodeRef}
      {...(rowKind === 'module' ? attributes : {})}
      {...(rowKind === 'module' ? listeners : {})}
      role="treeitem"
      aria-level={depth + 1}
      aria-selected={selected}
      aria-expanded={container ? expanded : undefined}
      tabIndex={selected || index === 0 ? 0 : -1}
      className={`dz-outline-item${selected ? ' is-selected' : ''}${isDragging ? ' is-dragging' : ''}${rowKind === 'tab' ? ' is-tab' : ''}`}
      style={{ paddingLeft: 8 + depth * 16 }}
      data-row={index}
      data-testid={rowKind === 'module' ? 'outline-item' : 'outline-tab'}
      data-module-id={id}
      onClick={() => onSelect(id)}
      onKeyDown={(e) => {
        // Space picks the module up (dnd-kit's keyboard drag); everything else is the tree's.
        if (e.key === ' ' && rowKind === 'module') listeners?.onKeyDown?.(e);
        else onKeyDown(e, index);
      }}
    >
      {container ? (
        <button
          type="button"
          className="dz-outline-toggle"
          tabIndex={-1}
          aria-label={t(expanded ? 'designer.outline.collapse' : 'designer.outline.expand', { name })}
          data-testid="outline-toggle"
          onPointerDown={(e) => e.stopPropagation()}
          onClick={(e) => {
            e.stopPropagation();
            onToggle(id);
          }}
        >
          {expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="dz-outline-toggle-space" aria-hidden="true" />
      )}
      {rowKind === 'module' ? <KindIcon kind={kind} /> : <span className="dz-tab-mark" aria-hidden="true" />}
      <span className="dz-outline-name">{name}</span>
      {rowKind === 'module' && <span className="dz-outline-id">{id}</span>}
      {issues > 0 && (
        <span className="dz-issue-dot" title={t('designer.issues.count', { count: issues })}>
          {issues}
        </span>
      )}
    </li>
  );
});
