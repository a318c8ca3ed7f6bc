// Form parts the inspector and the menu editor share: a field with its
// issues, the action picker, an image, and a list editor.
import { useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { translateIssue } from '../../kit/errors';
import { hasIcon } from '../../renderer/icons';
import type { TemplateField } from '../../platform';
import type { Action, Issue, LayoutImage, Page, WechatEvent } from '../../shared/model';

export const ICONS = [
  'card',
  'pay',
  'bill',
  'points',
  'installment',
  'chat',
  'checkin',
  'flight',
  'ticket',
  'order',
  'delivery',
  'coupon',
  'store',
  'shop',
  'search',
  'phone',
  'map',
  'gift',
  'user',
  'home',
  'notice',
].filter(hasIcon);

/** The issues exactly at a path. */
export function issuesExactly(issues: readonly Issue[], path: string): Issue[] {
  return issues.filter((issue) => issue.path === path);
}

/** The issues at a path or anywhere under it. */
export function issuesUnder(issues: readonly Issue[], path: string): Issue[] {
  return issues.filter((issue) => issue.path === path || issue.path.startsWith(`${path}.`));
}

/**
 * One edit: the new value AT `field`, a path from the root of what is edited
 * (`entries.0.label`); the same path joins typing into one undo step.
 */
export type OnEdit = (value: unknown, field: string) => void;

export interface FieldContext {
  /** The issue path of the value being edited (`modules.3.props.title`). */
  issuePath: string;
  /** The field path within what the editor owns (`title`, `entries.0.label`). */
  field: string;
  issues: readonly Issue[];
  onEndTyping: () => void;
  pages: readonly Page[];
  /** The `{{field}}`s this text may show; with them, a picker inserts one at the cursor. */
  templateFields?: readonly TemplateField[];
}

export function IssueList({ issues }: { issues: readonly Issue[] }) {
  const { t } = useTranslation();
  if (issues.length === 0) return null;
  return (
    <ul className="dz-field-issues" data-testid="field-issue">
      {issues.map((issue, i) => (
        <li key={i} className="field-error" data-issue-key={issue.key}>
          {translateIssue(t, issue)}
        </li>
      ))}
    </ul>
  );
}

export function FieldLabel({ name }: { name: string }) {
  const { t } = useTranslation();
  return <>{t(`designer.field.${name}`, { defaultValue: name })}</>;
}

export function TextField({
  name,
  value,
  ctx,
  onEdit,
  multiline,
  nullable,
  hint,
}: {
  name: string;
  value: string | null;
  ctx: FieldContext;
  onEdit: OnEdit;
  multiline?: boolean;
  nullable?: boolean;
  hint?: ReactNode;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const own = issuesExactly(ctx.issues, ctx.issuePath);
  const common = {
    id,
    ref: input,
    value: value ?? '',
    'aria-invalid': own.length > 0 ? true : undefined,
    'data-field': ctx.field,
    onBlur: ctx.onEndTyping,
    onChange: (e: { target: { value: string } }) =>
      onEdit(nullable && e.target.value === '' ? null : e.target.value, ctx.field),
  };
  return (
    <div className="field dz-field">
      <div className="dz-field-head">
        <label htmlFor={id}>
          <FieldLabel name={name} />
        </label>
        {ctx.templateFields && ctx.templateFields.length > 0 && (
          <FieldPicker
            fields={ctx.templateFields}
            onPick={(name) => {
              // At the cursor (or over the selection), as one step; the cursor
              // lands after it so typing goes on.
              const text = value ?? '';
              const element = input.current;
              const start = element?.selectionStart ?? text.length;
              const end = element?.selectionEnd ?? text.length;
              const inserted = `{{${name}}}`;
              onEdit(text.slice(0, start) + inserted + text.slice(end), ctx.field);
              ctx.onEndTyping();
              requestAnimationFrame(() => {
                element?.focus();
                element?.setSelectionRange(start + inserted.length, start + inserted.length);
              });
            }}
          />
        )}
      </div>
      {multiline ? <textarea rows={2} {...common} /> : <input type="text" {...common} />}
      {hint && <span className="dz-field-hint">{hint}</span>}
      <IssueList issues={own} />
    </div>
  );
}

/** "Insert a field": the subscriber data a module's text may show, by its name in the reader's language. */
function FieldPicker({ fields, onPick }: { fields: readonly TemplateField[]; onPick: (name: string) => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  return (
    <select
      className="dz-field-picker"
      value=""
      aria-label={t('designer.fieldPicker.label')}
      data-testid="field-picker"
      onChange={(e) => e.target.value && onPick(e.target.value)}
    >
      <option value="">{t('designer.fieldPicker.placeholder')}</option>
      {fields.map((field) => (
        <option key={field.name} value={field.name}>
          {zh ? field.zh_cn : field.en} · {`{{${field.name}}}`}
        </option>
      ))}
    </select>
  );
}

export function NumberField({
  name,
  value,
  ctx,
  onEdit,
  nullable,
}: {
  name: string;
  value: number | null;
  ctx: FieldContext;
  onEdit: OnEdit;
  nullable?: boolean;
}) {
  const id = useId();
  const own = issuesExactly(ctx.issues, ctx.issuePath);
  return (
    <div className="field dz-field">
      <label htmlFor={id}>
        <FieldLabel name={name} />
      </label>
      <input
        id={id}
        type="number"
        value={value === null || Number.isNaN(value) ? '' : value}
        aria-invalid={own.length > 0 ? true : undefined}
        data-field={ctx.field}
        onBlur={ctx.onEndTyping}
        onChange={(e) => {
          const text = e.target.value;
          if (text === '') onEdit(nullable ? null : 0, ctx.field);
          else if (Number.isFinite(Number(text))) onEdit(Number(text), ctx.field);
        }}
      />
      <IssueList issues={own} />
    </div>
  );
}

export function SwitchField({
  name,
  value,
  ctx,
  onEdit,
}: {
  name: string;
  value: boolean;
  ctx: FieldContext;
  onEdit: OnEdit;
}) {
  const own = issuesExactly(ctx.issues, ctx.issuePath);
  return (
    <div className="field dz-field dz-switch-field">
      <label className="dz-switch">
        <input
          type="checkbox"
          role="switch"
          checked={value}
          data-field={ctx.field}
          onChange={(e) => onEdit(e.target.checked, ctx.field)}
        />
        <span className="dz-switch-track" aria-hidden="true" />
        <span>
          <FieldLabel name={name} />
        </span>
      </label>
      <IssueList issues={own} />
    </div>
  );
}

export function IconField({ value, ctx, onEdit }: { value: string; ctx: FieldContext; onEdit: OnEdit }) {
  const { t } = useTranslation();
  const id = useId();
  const own = issuesExactly(ctx.issues, ctx.issuePath);
  const options = ICONS.includes(value) || value === '' ? ICONS : [value, ...ICONS];
  return (
    <div className="field dz-field">
      <label htmlFor={id}>
        <FieldLabel name="icon" />
      </label>
      <select
        id={id}
        value={value}
        data-field={ctx.field}
        aria-invalid={own.length > 0 ? true : undefined}
        onChange={(e) => onEdit(e.target.value, ctx.field)}
      >
        {value === '' && <option value="">{t('designer.field.none')}</option>}
        {options.map((icon) => (
          <option key={icon} value={icon}>
            {t(`designer.icon.${icon}`, { defaultValue: icon })}
          </option>
        ))}
      </select>
      <IssueList issues={own} />
    </div>
  );
}

export function ImageField({
  name,
  value,
  ctx,
  onEdit,
  nullable,
}: {
  name: string;
  value: LayoutImage | null;
  ctx: FieldContext;
  onEdit: OnEdit;
  nullable?: boolean;
}) {
  const { t } = useTranslation();
  const at = (sub: string): FieldContext => ({
    ...ctx,
    issuePath: `${ctx.issuePath}.${sub}`,
    field: `${ctx.field}.${sub}`,
  });
  const own = issuesExactly(ctx.issues, ctx.issuePath);
  return (
    <fieldset className="dz-fieldset">
      <legend>
        <FieldLabel name={name} />
      </legend>
      {value === null ? (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onEdit({ url: 'https://', width: 0, height: 0 }, ctx.field)}
        >
          {t('designer.field.addImage')}
        </button>
      ) : (
        <>
          <TextField name="url" value={value.url} ctx={at('url')} onEdit={onEdit} />
          <div className="field-row">
            <NumberField
              name="width"
              value={value.width}
              ctx={at('width')}
              onEdit={(v, f) => onEdit(Math.max(0, Math.round(v as number)), f)}
            />
            <NumberField
              name="height"
              value={value.height}
              ctx={at('height')}
              onEdit={(v, f) => onEdit(Math.max(0, Math.round(v as number)), f)}
            />
          </div>
          {nullable && (
            <button type="button" className="btn btn-link" onClick={() => onEdit(null, ctx.field)}>
              {t('designer.field.removeImage')}
            </button>
          )}
        </>
      )}
      <IssueList issues={own} />
    </fieldset>
  );
}

export const ACTION_TYPES: readonly Action['type'][] = [
  'open_url',
  'send_keyword',
  'call',
  'map',
  'pay',
  'open_conversation',
  'open_page',
];

/** WeChat's own menu buttons (its event buttons, mini programs, materials, articles): only its menu has them. */
export const WECHAT_MENU_ACTION_TYPES: readonly Action['type'][] = [
  ...ACTION_TYPES,
  'wechat_event',
  'mini_program',
  'send_media',
  'open_media',
  'send_article',
  'open_article',
];

/** WeChat's event buttons, in the order its documentation lists them. */
export const WECHAT_EVENTS: readonly WechatEvent[] = [
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
];

function defaultAction(type: Action['type'], pages: readonly Page[]): Action {
  switch (type) {
    case 'open_url':
      return { type, url: 'https://' };
    case 'send_keyword':
      return { type, keyword: '' };
    case 'call':
      return { type, phone: '' };
    case 'map':
      return { type, name: '', latitude: 0, longitude: 0 };
    case 'pay':
      return { type, amount_template: '{{statement.amount}}', description: '' };
    case 'open_conversation':
      return { type };
    case 'open_page':
      return { type, page_id: pages[0]?.id ?? '' };
    case 'wechat_event':
      return { type, event: 'scancode_push', key: '' };
    case 'mini_program':
      return { type, appid: '', pagepath: '', url: 'https://' };
    case 'send_media':
    case 'open_media':
      return { type, media_id: '' };
    case 'send_article':
    case 'open_article':
      return { type, article_id: '' };
  }
}

const TEMPLATED_ACTION_FIELDS = new Set(['url', 'amount_template', 'description']);

/**
 * What a tap does: a type and its parameters. `nullable`: "nothing" is a choice.
 * `types`: the choices (the menu of a WeChat account has more); the current one is always shown.
 */
export function ActionField({
  name,
  value,
  ctx,
  onEdit,
  nullable,
  types = ACTION_TYPES,
}: {
  name: string;
  value: Action | null;
  ctx: FieldContext;
  onEdit: OnEdit;
  nullable: boolean;
  types?: readonly Action['type'][];
}) {
  const { t } = useTranslation();
  const id = useId();
  const choices = value && !types.includes(value.type) ? [...types, value.type] : types;
  // A field's value reaches a link, a payment's amount or its description;
  // a keyword, a phone number or a place is sent as typed.
  const at = (sub: string): FieldContext => ({
    ...ctx,
    issuePath: `${ctx.issuePath}.${sub}`,
    field: `${ctx.field}.${sub}`,
    templateFields: TEMPLATED_ACTION_FIELDS.has(sub) ? ctx.templateFields : undefined,
  });
  const own = issuesExactly(ctx.issues, ctx.issuePath);
  return (
    <fieldset className="dz-fieldset dz-action" data-testid="action-picker">
      <legend>
        <FieldLabel name={name} />
      </legend>
      <div className="field dz-field">
        <label htmlFor={id} className="visually-hidden">
          {t('designer.action.type')}
        </label>
        <select
          id={id}
          value={value?.type ?? ''}
          data-field={`${ctx.field}.type`}
          aria-invalid={own.length > 0 ? true : undefined}
          onChange={(e) => {
            const type = e.target.value as Action['type'] | '';
            if (type === '') onEdit(null, ctx.field);
            else if (type !== value?.type) onEdit(defaultAction(type, ctx.pages), ctx.field);
          }}
        >
          {nullable && <option value="">{t('designer.action.none')}</option>}
          {choices.map((type) => (
            <option key={type} value={type}>
              {t(`designer.action.${type}`)}
            </option>
          ))}
        </select>
      </div>
      {value?.type === 'open_url' && (
        <TextField
          name="url"
          value={value.url}
          ctx={at('url')}
          onEdit={onEdit}
          hint={t('designer.action.urlHint', { field: '{{subscriber.id}}' })}
        />
      )}
      {value?.type === 'send_keyword' && (
        <TextField name="keyword" value={value.keyword} ctx={at('keyword')} onEdit={onEdit} />
      )}
      {value?.type === 'call' && <TextField name="phone" value={value.phone} ctx={at('phone')} onEdit={onEdit} />}
      {value?.type === 'map' && (
        <>
          <TextField name="name" value={value.name} ctx={at('name')} onEdit={onEdit} />
          <div className="field-row">
            <NumberField name="latitude" value={value.latitude} ctx={at('latitude')} nullable onEdit={onEdit} />
            <NumberField name="longitude" value={value.longitude} ctx={at('longitude')} nullable onEdit={onEdit} />
          </div>
        </>
      )}
      {value?.type === 'pay' && (
        <>
          <TextField name="amount_template" value={value.amount_template} ctx={at('amount_template')} onEdit={onEdit} />
          <TextField name="description" value={value.description} ctx={at('description')} onEdit={onEdit} />
        </>
      )}
      {value?.type === 'wechat_event' && (
        <>
          <div className="field dz-field">
            <label htmlFor={`${id}-event`}>
              <FieldLabel name="event" />
            </label>
            <select
              id={`${id}-event`}
              value={value.event}
              data-field={`${ctx.field}.event`}
              onChange={(e) => onEdit(e.target.value, `${ctx.field}.event`)}
            >
              {WECHAT_EVENTS.map((event) => (
                <option key={event} value={event}>
                  {t(`designer.action.event.${event}`)}
                </option>
              ))}
            </select>
          </div>
          <TextField name="key" value={value.key} ctx={at('key')} onEdit={onEdit} hint={t('designer.action.keyHint')} />
        </>
      )}
      {value?.type === 'mini_program' && (
        <>
          <TextField name="appid" value={value.appid} ctx={at('appid')} onEdit={onEdit} />
          <TextField name="pagepath" value={value.pagepath} ctx={at('pagepath')} onEdit={onEdit} />
          <TextField
            name="url"
            value={value.url}
            ctx={at('url')}
            onEdit={onEdit}
            hint={t('designer.action.miniProgramUrlHint')}
          />
        </>
      )}
      {(value?.type === 'send_media' || value?.type === 'open_media') && (
        <TextField name="media_id" value={value.media_id} ctx={at('media_id')} onEdit={onEdit} />
      )}
      {(value?.type === 'send_article' || value?.type === 'open_article') && (
        <TextField name="article_id" value={value.article_id} ctx={at('article_id')} onEdit={onEdit} />
      )}
      {value?.type === 'open_page' && (
        <div className="field dz-field">
          <label htmlFor={`${id}-page`}>
            <FieldLabel name="page_id" />
          </label>
          <select
            id={`${id}-page`}
            value={value.page_id}
            data-field={`${ctx.field}.page_id`}
            onChange={(e) => onEdit(e.target.value, `${ctx.field}.page_id`)}
          >
            {!ctx.pages.some((p) => p.id === value.page_id) && (
              <option value={value.page_id}>{value.page_id || t('designer.field.none')}</option>
            )}
            {ctx.pages.map((page) => (
              <option key={page.id} value={page.id}>
                {page.title || page.id}
              </option>
            ))}
          </select>
          <IssueList issues={issuesExactly(ctx.issues, `${ctx.issuePath}.page_id`)} />
        </div>
      )}
      <IssueList issues={own} />
    </fieldset>
  );
}

/** A list with add, remove and move up/down; `render` draws one item's fields. */
export function ListField<T>({
  name,
  items,
  ctx,
  onEdit,
  newItem,
  render,
  itemLabel,
}: {
  name: string;
  items: readonly T[];
  ctx: FieldContext;
  onEdit: OnEdit;
  newItem: () => T;
  render: (item: T, index: number, ctx: FieldContext, onEdit: OnEdit) => ReactNode;
  itemLabel: (item: T, index: number) => string;
}) {
  const { t } = useTranslation();
  const own = issuesExactly(ctx.issues, ctx.issuePath);
  const replace = (next: T[]) => onEdit(next, ctx.field);
  return (
    <fieldset className="dz-fieldset dz-list" data-testid="list-editor" data-field={ctx.field}>
      <legend>
        <FieldLabel name={name} /> <span className="dz-count">{items.length}</span>
      </legend>
      <IssueList issues={own} />
      <ol className="dz-list-items">
        {items.map((item, index) => {
          const itemCtx: FieldContext = {
            ...ctx,
            issuePath: `${ctx.issuePath}.${index}`,
            field: `${ctx.field}.${index}`,
          };
          const itemIssues = issuesUnder(ctx.issues, itemCtx.issuePath).length;
          return (
            <li key={index} className={`dz-list-item${itemIssues > 0 ? ' has-issue' : ''}`}>
              <div className="dz-list-head">
                <span className="dz-list-title">{itemLabel(item, index)}</span>
                <span className="dz-list-tools">
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    disabled={index === 0}
                    onClick={() => replace(move(items, index, index - 1))}
                    aria-label={t('designer.list.up', { n: index + 1 })}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    disabled={index === items.length - 1}
                    onClick={() => replace(move(items, index, index + 1))}
                    aria-label={t('designer.list.down', { n: index + 1 })}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() => replace(items.filter((_, i) => i !== index))}
                    aria-label={t('designer.list.remove', { n: index + 1 })}
                  >
                    ✕
                  </button>
                </span>
              </div>
              {render(item, index, itemCtx, onEdit)}
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => replace([...items, newItem()])}
        data-testid="list-add"
      >
        {t('designer.list.add')}
      </button>
    </fieldset>
  );
}

export function move<T>(items: readonly T[], from: number, to: number): T[] {
  const next = items.slice();
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(Math.max(0, Math.min(to, next.length)), 0, item);
  return next;
}

/** A copy of `value` with the part at `parts` (property names and array indexes) replaced by `next`. */
export function setIn(value: unknown, parts: string[], next: unknown): unknown {
  if (parts.length === 0) return next;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[Number(head)] = setIn(copy[Number(head)], rest, next);
    return copy;
  }
  const record = (value ?? {}) as Record<string, unknown>;
  return { ...record, [head]: setIn(record[head], rest, next) };
}
