import { useDraggable, useDroppable } from '@dnd-kit/core';
import { forwardRef, memo, useImperativeHandle, useMemo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Issue, Module } from '../shared/model';
import type { Indicator, OutlineRow } from './drop';
import { KindIcon } from './Palette';
import { childLists, type Slot } from './tree';

export interface OutlineHandle {
  /** The rows as on screen, in client coordinates, and the list's box. */
  measure: () => { rows: OutlineRow[]; box: { top: number; bottom: number; left: number; right: number } } | null;
}

type Row = Omit<OutlineRow, 'box'> & { module: Module; label: string; tab?: number; path: string };

function flatten(modules: Module[], slot: Slot, path: string, depth: number, out: Row[]): void {
  modules.forEach((module, index) => {
    const here = `${path}.${index}`;
    const lists = childLists(module);
    const isGroup = module.props.kind === 'group';
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
    });
    for (const [tabIndex, list] of lists.entries()) {
      if (module.props.kind === 'tabs') {
        out.push({ kind: 'tab', id: module.id, slot, index, into: list.slot, depth: depth + 1, module, label: list.label ?? '', tab: tabIndex, path: `${here}.props.tabs.${tabIndex}` });
        flatten(list.modules, list.slot, `${here}.${list.suffix}`, depth + 2, out);
      } else {
        flatten(list.modules, list.slot, `${here}.${list.suffix}`, depth + 1, out);
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
export const Outline = forwardRef<OutlineHandle, Props>(function Outline({ modules, root, rootPath, selected, issues, indicator, onSelect, onMoveBy, onRemove }, ref) {
  const { t } = useTranslation();
  const listRef = useRef<HTMLUListElement | null>(null);
  const rows = useMemo(() => {
    const out: Row[] = [];
    flatten(modules, root, rootPath, 0, out);
    return out;
  }, [modules, root, rootPath]);
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
          measured.push({ kind: row.kind, id: row.id, slot: row.slot, index: row.index, into: row.into, depth: row.depth, box: { top: r.top, bottom: r.bottom, left: r.left, right: r.right } });
        });
        const box = list.getBoundingClientRect();
        return { rows: measured, box: { top: box.top, bottom: Math.max(box.bottom, box.top + 40), left: box.left, right: box.right } };
      },
    }),
    [rows],
  );

  const issueCount = useMemo(() => {
    const counts = new Map<string, number>();
    for (const row of rows) {
      if (row.kind !== 'module') continue;
      const n = issues.filter((i) => i.path === row.path || (i.path.startsWith(`${row.path}.`) && !/^\.props\.(children|tabs\.\d+\.children)\.\d+/.test(i.path.slice(row.path.length)))).length;
      if (n > 0) counts.set(row.id, n);
    }
    return counts;
  }, [rows, issues]);

  const focusRow = (index: number) => {
    const node = listRef.current?.querySelector<HTMLElement>(`[data-row="${index}"]`);
    node?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>, index: number) => {
    const row = rows[index]!;
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      if (row.kind !== 'module') return;
      event.preventDefault();
      event.stopPropagation();
      onMoveBy(row.id, event.key === 'ArrowUp' ? -1 : 1);
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
  };

  const listBox = listRef.current?.getBoundingClientRect();
  const toLocal = (top: number) => (listBox ? top - listBox.top + (listRef.current?.scrollTop ?? 0) : top);

  return (
    <section className="dz-outline" aria-labelledby="dz-outline-title">
      <h2 id="dz-outline-title" className="dz-panel-title">
        {t('designer.outline.title')}
      </h2>
      <div
        ref={setNodeRef}
        className="dz-outline-drop"
      >
        {rows.length === 0 && <p className="muted dz-hint">{t('designer.outline.empty')}</p>}
        <ul ref={listRef} className="dz-outline-list" role="tree" aria-label={t('designer.outline.title')}>
          {rows.map((row, index) => (
            <OutlineItem
              key={row.kind === 'tab' ? `${row.id}#${row.tab ?? 0}` : row.id}
              row={row}
              index={index}
              selected={row.kind === 'module' && row.id === selected}
              issues={row.kind === 'module' ? (issueCount.get(row.id) ?? 0) : 0}
              onSelect={onSelect}
              onKeyDown={onKeyDown}
            />
          ))}
        </ul>
        {indicator && listBox && (
          indicator.kind === 'line' ? (
            <div className="dz-indicator-line" style={{ top: toLocal(indicator.top) - 1, left: indicator.left - listBox.left, width: indicator.right - indicator.left }} data-testid="outline-indicator" />
          ) : (
            <div
              className="dz-indicator-box"
              style={{ top: toLocal(indicator.box.top), left: indicator.box.left - listBox.left, width: indicator.box.right - indicator.box.left, height: indicator.box.bottom - indicator.box.top }}
              data-testid="outline-indicator"
            />
          )
        )}
      </div>
      <p className="muted dz-hint">{t('designer.outline.keys')}</p>
    </section>
  );
});

const OutlineItem = memo(function OutlineItem({
  row,
  index,
  selected,
  issues,
  onSelect,
  onKeyDown,
}: {
  row: Row;
  index: number;
  selected: boolean;
  issues: number;
  onSelect: (id: string) => void;
  onKeyDown: (event: KeyboardEvent<HTMLElement>, index: number) => void;
}) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: `module:${row.id}${row.kind === 'tab' ? `#${row.tab ?? 0}` : ''}`,
    data: { type: 'module', id: row.id },
    disabled: row.kind === 'tab',
  });
  const kind = row.module.props.kind;
  const name = row.kind === 'tab' ? row.label || t('designer.outline.tab', { n: (row.tab ?? 0) + 1 }) : t(`designer.kind.${kind}.name`);
  return (
    <li
      ref={setNodeRef}
      {...(row.kind === 'module' ? attributes : {})}
      {...(row.kind === 'module' ? listeners : {})}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-selected={selected}
      tabIndex={selected || index === 0 ? 0 : -1}
      className={`dz-outline-item${selected ? ' is-selected' : ''}${isDragging ? ' is-dragging' : ''}${row.kind === 'tab' ? ' is-tab' : ''}`}
      style={{ paddingLeft: 8 + row.depth * 16 }}
      data-row={index}
      data-testid={row.kind === 'module' ? 'outline-item' : 'outline-tab'}
      data-module-id={row.id}
      onClick={() => onSelect(row.id)}
      onKeyDown={(e) => {
        // Space picks the module up (dnd-kit's keyboard drag); everything else is the tree's.
        if (e.key === ' ' && row.kind === 'module') listeners?.onKeyDown?.(e);
        else onKeyDown(e, index);
      }}
    >
      {row.kind === 'module' ? <KindIcon kind={kind} /> : <span className="dz-tab-mark" aria-hidden="true" />}
      <span className="dz-outline-name">{name}</span>
      {row.kind === 'module' && <span className="dz-outline-id">{row.id}</span>}
      {issues > 0 && (
        <span className="dz-issue-dot" title={t('designer.issues.count', { count: issues })}>
          {issues}
        </span>
      )}
    </li>
  );
});
