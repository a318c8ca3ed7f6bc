import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createAccount,
  type AccountDraft,
  type AccountListItem,
  type Issue,
  type PlatformProfile,
} from '../../platform';
import { Avatar } from '../../kit/Avatar';
import { Dialog } from '../../kit/Dialog';
import {
  asAppError,
  describeError,
  fieldOf,
  isAccountField,
  translateIssue,
  type AccountField,
} from '../../kit/errors';
import { useAccountCheck } from './useAccountCheck';

export const SWATCHES = [
  { color: '#1677ff', name: 'blue' },
  { color: '#07c160', name: 'green' },
  { color: '#fa8c16', name: 'orange' },
  { color: '#eb2f96', name: 'magenta' },
  { color: '#722ed1', name: 'purple' },
  { color: '#13c2c2', name: 'cyan' },
  { color: '#f5222d', name: 'red' },
  { color: '#595959', name: 'grey' },
] as const;

const PLATFORMS: readonly PlatformProfile[] = ['alipay', 'wechat'];

const EMPTY: AccountDraft = {
  name: '',
  platform: 'alipay',
  category: '',
  description: '',
  avatar_color: SWATCHES[0].color,
};

type Props = { onCancel: () => void; onCreated: (item: AccountListItem) => void };

/** The "New account" form, validated live by the core's own rules. */
export function NewAccountDialog({ onCancel, onCreated }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<AccountDraft>(EMPTY);
  const [touched, setTouched] = useState<ReadonlySet<AccountField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saveIssues, setSaveIssues] = useState<Issue[] | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const check = useAccountCheck(draft);
  const issues = saveIssues ?? check.issues;

  const visibleFor = (field: AccountField) => submitted || touched.has(field);
  const issuesFor = (field: AccountField) =>
    visibleFor(field) ? issues.filter((issue) => fieldOf(issue.path) === field) : [];
  const otherIssues = submitted ? issues.filter((issue) => !isAccountField(fieldOf(issue.path))) : [];

  const edit = <K extends keyof AccountDraft>(field: K, value: AccountDraft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    if (isAccountField(field)) setTouched((s) => (s.has(field) ? s : new Set(s).add(field)));
    setSaveIssues(null);
    setFormError(null);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (issues.length > 0 || saving) return;
    setSaving(true);
    createAccount(draft).then(
      (item) => {
        setSaving(false);
        onCreated(item);
      },
      (e: unknown) => {
        setSaving(false);
        const error = asAppError(e);
        if (error.code === 'invalid' && error.issues.length > 0) setSaveIssues(error.issues);
        else setFormError(describeError(t, error));
      },
    );
  };

  const errorFor = (field: AccountField) => {
    const list = issuesFor(field);
    if (list.length === 0) return null;
    return (
      <p className="field-error" id={`${id}-${field}-error`} data-testid={`field-error-${field}`}>
        {list.map((issue) => translateIssue(t, issue)).join(' ')}
      </p>
    );
  };
  const describedBy = (field: AccountField) => (issuesFor(field).length > 0 ? `${id}-${field}-error` : undefined);

  return (
    <Dialog labelledBy={`${id}-title`} onClose={onCancel} testId="account-form">
      <form className="dialog-form" onSubmit={onSubmit} noValidate>
        <header className="dialog-header">
          <h2 id={`${id}-title`}>{t('form.title')}</h2>
          <div className="preview" aria-label={t('form.preview')}>
            <Avatar name={draft.name} color={draft.avatar_color} size="lg" />
            <div>
              <div className="preview-name">{draft.name.trim() || t('form.name')}</div>
              <span className={`badge badge-${draft.platform}`}>{t(`platform.${draft.platform}`)}</span>
            </div>
          </div>
        </header>

        <div className="dialog-body">
          <div className="field">
            <label htmlFor={`${id}-name`}>
              {t('form.name')} <span className="required">{t('form.required')}</span>
            </label>
            <input
              id={`${id}-name`}
              data-testid="account-name"
              value={draft.name}
              autoFocus
              aria-invalid={issuesFor('name').length > 0}
              aria-describedby={describedBy('name')}
              onChange={(e) => edit('name', e.target.value)}
            />
            {errorFor('name')}
          </div>

          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-platform`}>{t('form.platform')}</label>
              <select
                id={`${id}-platform`}
                data-testid="account-platform"
                value={draft.platform}
                onChange={(e) => edit('platform', e.target.value as PlatformProfile)}
              >
                {PLATFORMS.map((p) => (
                  <option key={p} value={p}>
                    {t(`platform.${p}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-category`}>{t('form.category')}</label>
              <input
                id={`${id}-category`}
                data-testid="account-category"
                value={draft.category}
                placeholder={t('form.categoryPlaceholder')}
                aria-invalid={issuesFor('category').length > 0}
                aria-describedby={describedBy('category')}
                onChange={(e) => edit('category', e.target.value)}
              />
              {errorFor('category')}
            </div>
          </div>

          <div className="field">
            <label htmlFor={`${id}-description`}>{t('form.description')}</label>
            <textarea
              id={`${id}-description`}
              data-testid="account-description"
              rows={3}
              value={draft.description}
              placeholder={t('form.descriptionPlaceholder')}
              aria-invalid={issuesFor('description').length > 0}
              aria-describedby={describedBy('description')}
              onChange={(e) => edit('description', e.target.value)}
            />
            {errorFor('description')}
          </div>

          <fieldset className="field swatches" aria-describedby={describedBy('avatar_color')}>
            <legend>{t('form.avatarColor')}</legend>
            <div className="swatch-list">
              {SWATCHES.map((swatch) => (
                <label key={swatch.color} className="swatch" title={t(`colors.${swatch.name}`)}>
                  <input
                    type="radio"
                    name={`${id}-color`}
                    value={swatch.color}
                    checked={draft.avatar_color === swatch.color}
                    data-testid="avatar-color-option"
                    onChange={() => edit('avatar_color', swatch.color)}
                  />
                  <span className="swatch-dot" style={{ backgroundColor: swatch.color }} aria-hidden="true" />
                  <span className="visually-hidden">{t(`colors.${swatch.name}`)}</span>
                </label>
              ))}
            </div>
            {errorFor('avatar_color')}
          </fieldset>

          {(otherIssues.length > 0 || formError) && (
            <p className="form-error" role="alert" data-testid="form-error">
              {[...otherIssues.map((issue) => translateIssue(t, issue)), ...(formError ? [formError] : [])].join(' ')}
            </p>
          )}
        </div>

        <footer className="dialog-footer">
          <button type="button" className="btn" data-testid="account-cancel" onClick={onCancel}>
            {t('form.cancel')}
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="account-save"
            disabled={saving || issues.length > 0}
          >
            {saving ? t('form.saving') : t('form.save')}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
