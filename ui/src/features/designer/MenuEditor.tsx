import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlatformProfile } from '../../platform';
import type { Issue, Menu, MenuItem, Page, SubMenuItem } from '../../shared/model';
import { useMenuDndAccessibility } from './dndAccessibility';
import {
  ACTION_TYPES,
  ActionField,
  IssueList,
  TextField,
  WECHAT_MENU_ACTION_TYPES,
  issuesExactly,
  issuesUnder,
  setIn,
  type FieldContext,
} from './fields';

/** The platform's menu limits, for the counters (the core's issues are what decide). */
export const MENU_LIMITS: Record<
  PlatformProfile,
  { top: number; sub: number; topLabel: number; subLabel: number; unit: 'utf8' | 'gbk' }
> = {
  wechat: { top: 3, sub: 5, topLabel: 16, subLabel: 60, unit: 'utf8' },
  alipay: { top: 4, sub: 5, topLabel: 18, subLabel: 18, unit: 'gbk' },
};

/** What a menu item may do on each platform: WeChat's menu has its own buttons besides Wicket's actions. */
export const MENU_ACTION_TYPES: Record<PlatformProfile, typeof ACTION_TYPES> = {
  wechat: WECHAT_MENU_ACTION_TYPES,
  alipay: ACTION_TYPES,
};

/** A label's length as the platform counts it: UTF-8 bytes (WeChat) or GBK bytes (Alipay: a CJK character is 2). */
export function labelLength(text: string, unit: 'utf8' | 'gbk'): number {
  if (unit === 'utf8') return new TextEncoder().encode(text).length;
  let n = 0;
  for (const ch of text) n += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return n;
}

function freshMenuId(menu: Menu, base: string): string {
  const taken = new Set<string>();
  for (const item of menu.items) {
    taken.add(item.id);
    if (item.target.kind === 'submenu') for (const sub of item.target.items) taken.add(sub.id);
  }
  for (let n = 1; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

type Props = {
  menu: Menu;
  platform: PlatformProfile;
  issues: readonly Issue[];
  pages: readonly Page[];
  onChange: (menu: Menu, field: string) => void;
  onEndTyping: () => void;
  onExport: () => void;
  onImport: () => void;
  children?: ReactNode;
};

/** The bottom menu: main items and sub-items, drag to reorder, counts against the platform. */
export function MenuEditor({
  menu,
  platform,
  issues,
  pages,
  onChange,
  onEndTyping,
  onExport,
  onImport,
  children,
}: Props) {
  const { t } = useTranslation();
  const limits = MENU_LIMITS[platform];
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const dndAccessibility = useMenuDndAccessibility(menu);
  const edit = (value: unknown, field: string) => onChange(setIn(menu, field.split('.'), value) as Menu, field);
  const ctxAt = (field: string): FieldContext => ({ issuePath: `menu.${field}`, field, issues, onEndTyping, pages });
  const topIssues = issuesExactly(issues, 'menu.items');
  const allMenuIssues = issuesUnder(issues, 'menu').length;

  const onDragEnd = (event: DragEndEvent) => {
    const { active, over } = event;
    if (!over || active.id === over.id) return;
    const [scope, activeId] = String(active.id).split('|') as [string, string];
    const [overScope, overId] = String(over.id).split('|') as [string, string];
    if (scope !== overScope) return;
    if (scope === 'top') {
      const from = menu.items.findIndex((i) => i.id === activeId);
      const to = menu.items.findIndex((i) => i.id === overId);
      if (from >= 0 && to >= 0) onChange({ ...menu, items: arrayMove(menu.items, from, to) }, 'items');
      return;
    }
    const parentIndex = menu.items.findIndex((i) => i.id === scope.slice(4));
    const parent = menu.items[parentIndex];
    if (!parent || parent.target.kind !== 'submenu') return;
    const subs = parent.target.items;
    const from = subs.findIndex((s) => s.id === activeId);
    const to = subs.findIndex((s) => s.id === overId);
    if (from >= 0 && to >= 0) edit(arrayMove(subs, from, to), `items.${parentIndex}.target.items`);
  };

  const addItem = () => {
    const id = freshMenuId(menu, 'menu');
    onChange(
      {
        ...menu,
        items: [
          ...menu.items,
          {
            id,
            label: t('designer.menu.newLabel'),
            target: { kind: 'action', action: { type: 'send_keyword', keyword: t('designer.menu.newLabel') } },
          },
        ],
      },
      'items',
    );
  };

  return (
    <section className="dz-menu-editor" aria-labelledby="dz-menu-title" data-testid="menu-editor">
      <header className="dz-inspector-head">
        <div>
          <h2 id="dz-menu-title" className="dz-panel-title">
            {t('designer.menu.title')}
          </h2>
          <p className="muted dz-hint">{t('designer.menu.hint')}</p>
        </div>
        <span className={`dz-issue-summary${allMenuIssues > 0 ? ' has-issues' : ''}`}>
          {allMenuIssues > 0 ? t('designer.issues.count', { count: allMenuIssues }) : t('designer.issues.none')}
        </span>
      </header>
      <p className={`dz-counter${menu.items.length > limits.top ? ' is-over' : ''}`} data-testid="menu-count">
        {t('designer.menu.count', { count: menu.items.length, max: limits.top, platform: t(`platform.${platform}`) })}
      </p>
      <IssueList issues={topIssues} />
      <DndContext
        sensors={sensors}
        accessibility={dndAccessibility}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
      >
        <SortableContext items={menu.items.map((i) => `top|${i.id}`)} strategy={verticalListSortingStrategy}>
          <ol className="dz-menu-items">
            {menu.items.map((item, index) => (
              <Sortable key={item.id} id={`top|${item.id}`} label={t('designer.menu.dragItem', { label: item.label })}>
                <MenuItemEditor
                  item={item}
                  index={index}
                  menu={menu}
                  platform={platform}
                  ctxAt={ctxAt}
                  edit={edit}
                  onChange={onChange}
                  issues={issues}
                />
              </Sortable>
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      <div className="dz-menu-actions">
        <button type="button" className="btn btn-small" onClick={addItem} data-testid="menu-add">
          {t('designer.menu.add')}
        </button>
        <span className="dz-menu-transfer">
          <button type="button" className="btn btn-small" onClick={onImport} data-testid="menu-import">
            {t('designer.menu.import')}
          </button>
          <button type="button" className="btn btn-small" onClick={onExport} data-testid="menu-export">
            {t('designer.menu.export')}
          </button>
        </span>
      </div>
      {children}
    </section>
  );
}

function Sortable({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id,
  });
  return (
    <li
      ref={setNodeRef}
      className={`dz-menu-item${isDragging ? ' is-dragging' : ''}`}
      style={{ transform: CSS.Transform.toString(transform), transition }}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="dz-grip-button"
        {...attributes}
        {...listeners}
        aria-label={label}
        title={label}
      >
        ⋮⋮
      </button>
      <div className="dz-menu-item-body">{children}</div>
    </li>
  );
}

function MenuItemEditor({
  item,
  index,
  menu,
  platform,
  ctxAt,
  edit,
  onChange,
  issues,
}: {
  item: MenuItem;
  index: number;
  menu: Menu;
  platform: PlatformProfile;
  ctxAt: (field: string) => FieldContext;
  edit: (value: unknown, field: string) => void;
  onChange: (menu: Menu, field: string) => void;
  issues: readonly Issue[];
}) {
  const { t } = useTranslation();
  const limits = MENU_LIMITS[platform];
  const types = MENU_ACTION_TYPES[platform];
  const base = `items.${index}`;
  const length = labelLength(item.label, limits.unit);
  const target = item.target;
  const setKind = (kind: 'action' | 'submenu') => {
    if (kind === target.kind) return;
    if (kind === 'submenu') {
      const first: SubMenuItem = {
        id: freshMenuId(menu, `${item.id}-`),
        label: item.label,
        action: target.kind === 'action' ? target.action : { type: 'send_keyword', keyword: item.label },
      };
      edit({ kind: 'submenu', items: [first] }, `${base}.target`);
    } else {
      const action =
        target.kind === 'submenu' && target.items[0]
          ? target.items[0].action
          : { type: 'send_keyword' as const, keyword: item.label };
      edit({ kind: 'action', action }, `${base}.target`);
    }
  };
  return (
    <div className="dz-menu-item-fields" data-testid="menu-item-editor">
      <div className="dz-menu-row">
        <TextField
          name="label"
          value={item.label}
          ctx={ctxAt(`${base}.label`)}
          onEdit={edit}
          hint={t(`designer.menu.length.${limits.unit}`, { count: length, max: limits.topLabel })}
        />
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => onChange({ ...menu, items: menu.items.filter((_, i) => i !== index) }, 'items')}
          aria-label={t('designer.menu.remove', { label: item.label })}
        >
          ✕
        </button>
      </div>
      <div className="dz-segmented" role="radiogroup" aria-label={t('designer.menu.targetKind')}>
        {(['action', 'submenu'] as const).map((kind) => (
          <label key={kind} className={target.kind === kind ? 'is-on' : ''}>
            <input
              type="radio"
              name={`target-${item.id}`}
              checked={target.kind === kind}
              onChange={() => setKind(kind)}
            />
            {t(`designer.menu.kind.${kind}`)}
          </label>
        ))}
      </div>
      <IssueList issues={issuesExactly(issues, `menu.${base}.target`)} />
      {target.kind === 'action' ? (
        <ActionField
          name="action"
          value={target.action}
          ctx={ctxAt(`${base}.target.action`)}
          onEdit={edit}
          nullable={false}
          types={types}
        />
      ) : (
        <div className="dz-submenu">
          <p className={`dz-counter${target.items.length > limits.sub ? ' is-over' : ''}`}>
            {t('designer.menu.subCount', { count: target.items.length, max: limits.sub })}
          </p>
          <IssueList issues={issuesExactly(issues, `menu.${base}.target.items`)} />
          <SortableContext
            items={target.items.map((s) => `sub:${item.id}|${s.id}`)}
            strategy={verticalListSortingStrategy}
          >
            <ol className="dz-menu-items">
              {target.items.map((sub, subIndex) => {
                const subBase = `${base}.target.items.${subIndex}`;
                return (
                  <Sortable
                    key={sub.id}
                    id={`sub:${item.id}|${sub.id}`}
                    label={t('designer.menu.dragItem', { label: sub.label })}
                  >
                    <div className="dz-menu-row">
                      <TextField
                        name="label"
                        value={sub.label}
                        ctx={ctxAt(`${subBase}.label`)}
                        onEdit={edit}
                        hint={t(`designer.menu.length.${limits.unit}`, {
                          count: labelLength(sub.label, limits.unit),
                          max: limits.subLabel,
                        })}
                      />
                      <button
                        type="button"
                        className="btn btn-ghost btn-small"
                        onClick={() =>
                          edit(
                            target.items.filter((_, i) => i !== subIndex),
                            `${base}.target.items`,
                          )
                        }
                        aria-label={t('designer.menu.remove', { label: sub.label })}
                      >
                        ✕
                      </button>
                    </div>
                    <ActionField
                      name="action"
                      value={sub.action}
                      ctx={ctxAt(`${subBase}.action`)}
                      onEdit={edit}
                      nullable={false}
                      types={types}
                    />
                  </Sortable>
                );
              })}
            </ol>
          </SortableContext>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              edit(
                [
                  ...target.items,
                  {
                    id: freshMenuId(menu, `${item.id}-`),
                    label: t('designer.menu.newLabel'),
                    action: { type: 'send_keyword', keyword: t('designer.menu.newLabel') },
                  },
                ],
                `${base}.target.items`,
              )
            }
          >
            {t('designer.menu.addSub')}
          </button>
        </div>
      )}
    </div>
  );
}
