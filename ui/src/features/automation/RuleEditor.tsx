import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AutoReplyRuleDraft, Issue } from '../../platform';
import { translateIssue } from '../../kit/errors';
import { ReplyFields } from './ReplyFields';
import { TriggerFields } from './TriggerFields';
import { triggerOf, type TriggerKind } from './rules';

/** What the editor's parts share: the draft, how to change it, and its shown issues. */
export type EditorParts = {
  draft: AutoReplyRuleDraft;
  edit: (patch: Partial<AutoReplyRuleDraft>) => void;
  /** The issue texts under a field, once that field may show them. */
  shown: (path: string) => ReactNode;
  /** Whether a field has an issue that is shown (marks the input invalid). */
  invalid: (path: string) => boolean;
  /** A field was left or chosen: its issues may show from now on. */
  touch: (path: string) => void;
};

type Props = {
  draft: AutoReplyRuleDraft;
  edit: (patch: Partial<AutoReplyRuleDraft>) => void;
  issues: Issue[];
  visible: (path: string) => boolean;
  touch: (path: string) => void;
  onSave: () => void;
  onDelete: () => void;
};

/** One rule being written, with the platform's refusals under the fields staff have reached. */
export function RuleEditor({ draft, edit, issues, visible, touch, onSave, onDelete }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const at = (path: string) => (visible(path) ? issues.filter((i) => i.path === path) : []);
  const parts: EditorParts = {
    draft,
    edit,
    touch,
    invalid: (path) => at(path).length > 0,
    shown: (path) =>
      at(path).map((issue) => (
        <p key={`${issue.path}-${issue.key}`} className="field-error" role="alert">
          {translateIssue(t, issue)}
        </p>
      )),
  };
  return (
    <form
      className="card auto-panel auto-editor"
      data-testid="automation-editor"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('automation.name')}</label>
        <input
          id={`${id}-name`}
          value={draft.name}
          aria-invalid={parts.invalid('name')}
          onChange={(e) => edit({ name: e.target.value })}
          onBlur={() => touch('name')}
          data-testid="automation-name"
        />
        {parts.shown('name')}
      </div>
      <div className="auto-grid">
        <div className="field">
          <label htmlFor={`${id}-trigger`}>{t('automation.trigger.label')}</label>
          <select
            id={`${id}-trigger`}
            value={draft.trigger.kind}
            aria-invalid={parts.invalid('trigger')}
            onChange={(e) => {
              touch('trigger');
              edit({ trigger: triggerOf(e.target.value as TriggerKind) });
            }}
          >
            {(['keyword', 'follow', 'menu_click', 'default'] as const).map((kind) => (
              <option key={kind} value={kind}>
                {t(`automation.trigger.${kind}`)}
              </option>
            ))}
          </select>
          {parts.shown('trigger')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-priority`}>{t('automation.priority')}</label>
          <input
            id={`${id}-priority`}
            type="number"
            value={draft.priority}
            aria-invalid={parts.invalid('priority')}
            onChange={(e) => edit({ priority: Number(e.target.value) || 0 })}
            onBlur={() => touch('priority')}
          />
          {parts.shown('priority')}
        </div>
        <div className="field auto-enabled">
          <label className="checkbox">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => edit({ enabled: e.target.checked })} />
            {t('automation.enabled')}
          </label>
        </div>
      </div>
      <TriggerFields {...parts} />
      <ReplyFields {...parts} />
      <div className="auto-footer">
        <button type="button" className="btn btn-danger" onClick={onDelete}>
          {t('automation.delete')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="automation-save"
          // Leaving a field shows its refusal and moves this button down before the click lands:
          // the field keeps focus until the click, which shows every refusal anyway.
          onMouseDown={(e) => e.preventDefault()}
        >
          {t('automation.save')}
        </button>
      </div>
    </form>
  );
}
