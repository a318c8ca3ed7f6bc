import { memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { translateIssue } from '../../kit/errors';
import type { TemplateField } from '../../platform';
import type { Issue, Module, ModuleKind, Page } from '../../shared/model';
import { newListItem } from './catalog';
import {
  ActionField,
  IconField,
  ImageField,
  IssueList,
  ListField,
  NumberField,
  SwitchField,
  TextField,
  issuesExactly,
  setIn,
  type FieldContext,
  type OnEdit,
} from './fields';
import { KindIcon } from './Palette';

type Props = {
  module: Module;
  /** The module's issue path (`modules.3`). */
  path: string;
  issues: readonly Issue[];
  pages: readonly Page[];
  /** The `{{field}}`s a module's text may show (the picker next to each text). */
  templateFields?: readonly TemplateField[];
  onChange: (props: ModuleKind, field: string) => void;
  onEndTyping: () => void;
};

const MULTILINE = new Set(['text', 'detail']);
/** Actions that must be set (an entry or a link does something). */
const REQUIRED_ACTION = /(^|\.)(entries|links)\.\d+\.action$/;
/** Optional texts: null is "not set". */
const NULLABLE_TEXT = new Set(['head.sub_title', 'head.link_url']);
const isImage = (v: unknown): v is { url: string; width: number; height: number } =>
  typeof v === 'object' && v !== null && 'url' in v && 'width' in v && 'height' in v && Object.keys(v).length === 3;

/** The selected module's properties as a form, walked from the props object; issues next to their fields. */
export const Inspector = memo(function Inspector({
  module,
  path,
  issues,
  pages,
  templateFields,
  onChange,
  onEndTyping,
}: Props) {
  const { t } = useTranslation();
  const props = module.props;
  const propsPath = `${path}.props`;
  const own = issues.filter(
    (i) =>
      i.path === path ||
      i.path === `${path}.id` ||
      (i.path.startsWith(`${propsPath}.`) &&
        !/^\.(children|tabs\.\d+\.children)\.\d+/.test(i.path.slice(propsPath.length))) ||
      i.path === propsPath,
  );
  const general = own.filter((i) => i.path === path || i.path === `${path}.id` || i.path === propsPath);

  // Every edit replaces the whole props with the field changed.
  const edit: OnEdit = (value, field) => onChange(setIn(props, field.split('.'), value) as ModuleKind, field);

  const fields: ReactNode[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (key === 'kind' || key === 'children') continue;
    const ctx: FieldContext = {
      issuePath: `${propsPath}.${key}`,
      field: key,
      issues,
      onEndTyping,
      pages,
      templateFields,
    };
    fields.push(<Field key={key} name={key} value={value} ctx={ctx} onEdit={edit} kind={props.kind} />);
  }

  return (
    <section className="dz-inspector" aria-labelledby="dz-inspector-title" data-testid="inspector">
      <header className="dz-inspector-head">
        <KindIcon kind={props.kind} />
        <div>
          <h2 id="dz-inspector-title" className="dz-panel-title">
            {t(`designer.kind.${props.kind}.name`)}
          </h2>
          <p className="muted dz-inspector-id">{t('designer.inspector.id', { id: module.id })}</p>
        </div>
        <span className={`dz-issue-summary${own.length > 0 ? ' has-issues' : ''}`} data-testid="inspector-issues">
          {own.length > 0 ? t('designer.issues.count', { count: own.length }) : t('designer.issues.none')}
        </span>
      </header>
      <p className="muted dz-hint">{t(`designer.kind.${props.kind}.desc`)}</p>
      {general.length > 0 && (
        <ul className="dz-general-issues">
          {general.map((issue, i) => (
            <li key={i} className="field-error" data-testid="field-issue">
              {translateIssue(t, issue)}
            </li>
          ))}
        </ul>
      )}
      <div className="dz-form">{fields}</div>
      {props.kind === 'group' && (
        <p className="muted dz-hint">{t('designer.inspector.children', { count: props.children.length })}</p>
      )}
    </section>
  );
});

/** One property, by its value's shape. */
function Field({
  name,
  value,
  ctx,
  onEdit,
  kind,
}: {
  name: string;
  value: unknown;
  ctx: FieldContext;
  onEdit: OnEdit;
  kind: string;
}): ReactNode {
  const { t } = useTranslation();
  if (name === 'action' || (value !== null && typeof value === 'object' && 'type' in value)) {
    return (
      <ActionField
        name={name}
        value={value as never}
        ctx={ctx}
        onEdit={onEdit}
        nullable={!REQUIRED_ACTION.test(ctx.field)}
      />
    );
  }
  if (name === 'icon' && typeof value === 'string') return <IconField value={value} ctx={ctx} onEdit={onEdit} />;
  if (typeof value === 'string' || (value === null && NULLABLE_TEXT.has(ctx.field))) {
    return (
      <TextField
        name={name}
        value={value as string | null}
        ctx={ctx}
        onEdit={onEdit}
        multiline={MULTILINE.has(name)}
        nullable={NULLABLE_TEXT.has(ctx.field)}
      />
    );
  }
  if (typeof value === 'number') return <NumberField name={name} value={value} ctx={ctx} onEdit={onEdit} />;
  if (typeof value === 'boolean') return <SwitchField name={name} value={value} ctx={ctx} onEdit={onEdit} />;
  if (name === 'image' || isImage(value))
    return (
      <ImageField
        name={name}
        value={value as never}
        ctx={ctx}
        onEdit={onEdit}
        nullable={value === null || ctx.field.startsWith('head.')}
      />
    );
  if (Array.isArray(value)) {
    return (
      <ListField<unknown>
        name={name}
        items={value}
        ctx={ctx}
        onEdit={onEdit}
        newItem={() => newListItem(kind, name)}
        itemLabel={(item, index) => {
          const text =
            item && typeof item === 'object'
              ? ((item as { label?: string; title?: string }).label ?? (item as { title?: string }).title)
              : undefined;
          return text ? `${index + 1}. ${text}` : t('designer.list.item', { n: index + 1 });
        }}
        render={(item, _index, itemCtx, onItemEdit) => (
          <ObjectFields value={item} ctx={itemCtx} onEdit={onItemEdit} kind={kind} />
        )}
      />
    );
  }
  if (value !== null && typeof value === 'object') {
    return (
      <fieldset className="dz-fieldset">
        <legend>{t(`designer.field.${name}`, { defaultValue: name })}</legend>
        <IssueList issues={issuesExactly(ctx.issues, ctx.issuePath)} />
        <ObjectFields value={value} ctx={ctx} onEdit={onEdit} kind={kind} />
      </fieldset>
    );
  }
  return null;
}

/** The fields of an object inside the props (a list item, the marketing head). */
function ObjectFields({
  value,
  ctx,
  onEdit,
  kind,
}: {
  value: unknown;
  ctx: FieldContext;
  onEdit: OnEdit;
  kind: string;
}) {
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  return (
    <>
      {Object.entries(record).map(([key, child]) => {
        if (key === 'children') return null;
        const childCtx: FieldContext = { ...ctx, issuePath: `${ctx.issuePath}.${key}`, field: `${ctx.field}.${key}` };
        return <Field key={key} name={key} value={child} ctx={childCtx} kind={kind} onEdit={onEdit} />;
      })}
    </>
  );
}
