import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../kit/useQuery';
import {
  defaultAccountSettings,
  updateAccount,
  type Account,
  type AccountSettings,
  type BroadcastPeriod,
  type Issue,
  type ReplyPolicy,
} from '../../platform';
import { Dialog } from '../../kit/Dialog';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { AlipayConnectionSection } from './AlipayConnectionSection';
import { WechatConnectionSection } from './WechatConnectionSection';

const PERIODS: readonly BroadcastPeriod[] = ['day', 'week', 'month'];

type Props = {
  account: Account;
  onClose: () => void;
  onSaved: () => void;
};

/** Every number the form edits, by its path under `settings` (a "no limit" count is left out). */
function numberPaths(settings: AccountSettings): [string, number][] {
  const { reply, broadcast } = settings;
  const paths: [string, number | null][] = [
    ['reply.message_window_hours', reply.message_window_hours],
    ['reply.message_quota', reply.message_quota],
    ['reply.event_window_seconds', reply.event_window_seconds],
    ['reply.event_quota', reply.event_quota],
    ['reply.daily_cap', reply.daily_cap],
    ['broadcast.max', broadcast.max],
  ];
  return paths.filter((entry): entry is [string, number] => entry[1] !== null);
}

/** The rules one account follows: its reply window and quotas, and its broadcast cap. */
export function AccountSettingsDialog({ account, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [defaults, setDefaults] = useState<AccountSettings | null>(null);
  const [settings, setSettings] = useState<AccountSettings | null>(account.settings ?? null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useQuery(() => defaultAccountSettings(account.platform), [account.platform], {
    onData: (found) => {
      setDefaults(found);
      setSettings((current) => current ?? found);
    },
    onError: (e) => setFormError(describeError(t, asAppError(e))),
  });

  const editReply = <K extends keyof ReplyPolicy>(key: K, value: ReplyPolicy[K]) => {
    setSettings((current) => (current ? { ...current, reply: { ...current.reply, [key]: value } } : current));
    setIssues([]);
  };

  const errorFor = (path: string) => {
    const found = issues.filter((issue) => issue.path === `settings.${path}`);
    if (found.length === 0) return null;
    return (
      <p className="field-error" data-testid={`settings-error-${path}`}>
        {found.map((issue) => translateIssue(t, issue)).join(' ')}
      </p>
    );
  };

  const number = (path: string, label: string, value: number, onChange: (value: number) => void, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${path}`}>{label}</label>
      <input
        id={`${id}-${path}`}
        type="number"
        inputMode="numeric"
        data-testid={`settings-${path}`}
        value={Number.isFinite(value) ? value : ''}
        aria-invalid={issues.some((issue) => issue.path === `settings.${path}`)}
        onChange={(e) => onChange(e.target.valueAsNumber)}
      />
      {hint && <p className="field-hint muted">{hint}</p>}
      {errorFor(path)}
    </div>
  );

  /** A count that may also be "no limit" (null). */
  const limit = (path: string, label: string, value: number | null, onChange: (value: number | null) => void) => (
    <div className="field">
      <label htmlFor={`${id}-${path}`}>{label}</label>
      <div className="limit-field">
        <input
          id={`${id}-${path}`}
          type="number"
          inputMode="numeric"
          data-testid={`settings-${path}`}
          disabled={value === null}
          value={value === null || !Number.isFinite(value) ? '' : value}
          aria-invalid={issues.some((issue) => issue.path === `settings.${path}`)}
          onChange={(e) => onChange(e.target.valueAsNumber)}
        />
        <label className="checkbox">
          <input type="checkbox" checked={value === null} onChange={(e) => onChange(e.target.checked ? null : 1)} />
          {t('accountSettings.noLimit')}
        </label>
      </div>
      {errorFor(path)}
    </div>
  );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!settings || saving) return;
    const blank = numberPaths(settings).filter(([, value]) => !Number.isFinite(value));
    if (blank.length > 0) {
      setIssues(
        blank.map(([path]) => ({ path: `settings.${path}`, key: 'account.settings.not_a_number', params: [] })),
      );
      return;
    }
    setSaving(true);
    setFormError(null);
    const patch = { name: null, category: null, description: null, avatar_color: null, settings };
    updateAccount(account.id, patch)
      .then(
        () => {
          onSaved();
          onClose();
        },
        (e: unknown) => {
          const error = asAppError(e);
          if (error.code === 'invalid' && error.issues.length > 0) setIssues(error.issues);
          else setFormError(describeError(t, error));
        },
      )
      .finally(() => setSaving(false));
  };

  const adjusted = settings !== null && defaults !== null && JSON.stringify(settings) !== JSON.stringify(defaults);

  return (
    <Dialog labelledBy={`${id}-title`} onClose={onClose} testId="account-settings">
      <form onSubmit={onSubmit} noValidate>
        <header className="dialog-header dialog-header-stacked">
          <h2 id={`${id}-title`}>{t('accountSettings.title', { name: account.name })}</h2>
          <p className="muted">{t(`accountSettings.explain.${account.platform}`)}</p>
        </header>
        {settings ? (
          <div className="dialog-body">
            <fieldset className="field-group">
              <legend>{t('accountSettings.replies')}</legend>
              <div className="field-row">
                {number(
                  'reply.message_window_hours',
                  t('accountSettings.messageWindowHours'),
                  settings.reply.message_window_hours,
                  (v) => editReply('message_window_hours', v),
                )}
                {limit('reply.message_quota', t('accountSettings.messageQuota'), settings.reply.message_quota, (v) =>
                  editReply('message_quota', v),
                )}
              </div>
              <div className="field-row">
                {number(
                  'reply.event_window_seconds',
                  t('accountSettings.eventWindowSeconds'),
                  settings.reply.event_window_seconds,
                  (v) => editReply('event_window_seconds', v),
                  t('accountSettings.eventWindowHint'),
                )}
                {limit('reply.event_quota', t('accountSettings.eventQuota'), settings.reply.event_quota, (v) =>
                  editReply('event_quota', v),
                )}
              </div>
              <label className="checkbox">
                <input
                  type="checkbox"
                  data-testid="settings-events-open"
                  checked={settings.reply.events_open_message_window}
                  onChange={(e) => editReply('events_open_message_window', e.target.checked)}
                />
                {t('accountSettings.eventsOpenWindow')}
              </label>
              {limit('reply.daily_cap', t('accountSettings.dailyCap'), settings.reply.daily_cap, (v) =>
                editReply('daily_cap', v),
              )}
            </fieldset>
            <fieldset className="field-group">
              <legend>{t('accountSettings.broadcasts')}</legend>
              <div className="field-row">
                {number('broadcast.max', t('accountSettings.broadcastMax'), settings.broadcast.max, (v) =>
                  setSettings({ ...settings, broadcast: { ...settings.broadcast, max: v } }),
                )}
                <div className="field">
                  <label htmlFor={`${id}-period`}>{t('accountSettings.broadcastPeriod')}</label>
                  <select
                    id={`${id}-period`}
                    data-testid="settings-broadcast-period"
                    value={settings.broadcast.period}
                    onChange={(e) =>
                      setSettings({
                        ...settings,
                        broadcast: { ...settings.broadcast, period: e.target.value as BroadcastPeriod },
                      })
                    }
                  >
                    {PERIODS.map((period) => (
                      <option key={period} value={period}>
                        {t(`accountSettings.period.${period}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            </fieldset>
            {account.platform === 'wechat' && <WechatConnectionSection accountId={account.id} />}
            {account.platform === 'alipay' && <AlipayConnectionSection accountId={account.id} />}
            {formError && (
              <p className="form-error" role="alert" data-testid="settings-form-error">
                {formError}
              </p>
            )}
          </div>
        ) : (
          <div className="dialog-body">
            {formError ? (
              <p className="form-error" role="alert">
                {formError}
              </p>
            ) : (
              <p className="muted">{t('accountSettings.loading')}</p>
            )}
          </div>
        )}
        <footer className="dialog-footer">
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="settings-reset"
            disabled={!adjusted}
            onClick={() => {
              setSettings(defaults);
              setIssues([]);
            }}
          >
            {t('accountSettings.reset')}
          </button>
          <span className="dialog-footer-gap" />
          <button type="button" className="btn" data-testid="settings-cancel" onClick={onClose}>
            {t('form.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="settings-save" disabled={!settings || saving}>
            {saving ? t('form.saving') : t('form.save')}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
