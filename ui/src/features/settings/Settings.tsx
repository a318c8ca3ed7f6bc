import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../kit/useQuery';
import {
  desktopSettings,
  onDesktopSettings,
  setDesktopSettings,
  type DesktopSettings,
  type Language,
  type Session,
  type StaffUser,
} from '../../platform';
import { currentLanguage, LANGUAGES } from '../../i18n';
import { sendKey, setSendKey, type SendKey } from '../../kit/sendKey';
import { CannedRepliesSettings } from './CannedRepliesSettings';
import { TeamSettings } from './TeamSettings';
import { UpdatesSettings } from './Updates';
import { asAppError, describeError } from '../../kit/errors';
import { useChangeLanguage } from '../../kit/language';

type Props = { session: Session; user: StaffUser; onError: (message: string) => void };

export function SettingsScreen({ session, user, onError }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const changeLanguage = useChangeLanguage();
  const active = currentLanguage();
  const [sending, setSending] = useState<SendKey>(sendKey);
  // Null until the operating system has said (and where it cannot say).
  const [desktop, setDesktop] = useState<DesktopSettings | null>(null);

  useQuery(desktopSettings, [], { onData: setDesktop });
  useEffect(() => onDesktopSettings((d) => setDesktop(d)), []);

  const changeDesktop = (next: DesktopSettings) => {
    setDesktopSettings(next).then(setDesktop, (e: unknown) => onError(describeError(t, asAppError(e))));
  };

  const choose = (lng: Language) => {
    if (lng === active) return;
    changeLanguage(lng).catch((e: unknown) => onError(describeError(t, asAppError(e))));
  };

  return (
    <div className="settings">
      <section className="card settings-card" aria-labelledby={`${id}-lang`}>
        <h2 id={`${id}-lang`}>{t('settings.language')}</h2>
        <p className="muted">{t('settings.languageHint')}</p>
        <div className="choice-group" role="radiogroup" aria-labelledby={`${id}-lang`}>
          {LANGUAGES.map((lng) => (
            <label key={lng} className={`choice${lng === active ? ' is-checked' : ''}`}>
              <input
                type="radio"
                name={`${id}-language`}
                value={lng}
                checked={lng === active}
                data-testid={`settings-language-${lng}`}
                onChange={() => choose(lng)}
              />
              <span>{t(`language.${lng}`)}</span>
            </label>
          ))}
        </div>
      </section>

      {desktop && (
        <section className="card settings-card" aria-labelledby={`${id}-notify`}>
          <h2 id={`${id}-notify`}>{t('settings.notifications.title')}</h2>
          <label className="choice">
            <input
              type="checkbox"
              checked={desktop.notifications}
              data-testid="settings-notifications"
              onChange={(e) => changeDesktop({ ...desktop, notifications: e.target.checked })}
            />
            <span>{t('settings.notifications.label')}</span>
          </label>
          <p className="muted">{t('settings.notifications.hint')}</p>
        </section>
      )}

      <section className="card settings-card" aria-labelledby={`${id}-send`}>
        <h2 id={`${id}-send`}>{t('settings.sendKey.title')}</h2>
        {(['enter', 'mod_enter'] as const).map((choice) => (
          <label key={choice} className="choice">
            <input
              type="radio"
              name={`${id}-send-key`}
              value={choice}
              checked={sending === choice}
              data-testid={`settings-send-${choice}`}
              onChange={() => {
                setSendKey(choice);
                setSending(choice);
              }}
            />
            <span>{t(`settings.sendKey.${choice}`)}</span>
          </label>
        ))}
      </section>

      {desktop && (
        <section className="card settings-card" aria-labelledby={`${id}-desktop`}>
          <h2 id={`${id}-desktop`}>{t('settings.desktop.title')}</h2>
          <label className="choice">
            <input
              type="checkbox"
              checked={desktop.start_at_login}
              data-testid="settings-start-at-login"
              onChange={(e) => changeDesktop({ ...desktop, start_at_login: e.target.checked })}
            />
            <span>{t('settings.desktop.startAtLogin')}</span>
          </label>
          <p className="muted">{t('settings.desktop.startAtLoginHint')}</p>
          <label className="choice">
            <input
              type="checkbox"
              checked={desktop.has_tray && desktop.close_to_tray}
              disabled={!desktop.has_tray}
              data-testid="settings-close-to-tray"
              onChange={(e) => changeDesktop({ ...desktop, close_to_tray: e.target.checked })}
            />
            <span>{t('settings.desktop.closeToTray')}</span>
          </label>
          <p className="muted" data-testid="settings-tray-hint">
            {desktop.has_tray ? t('settings.desktop.closeToTrayHint') : t('settings.desktop.noTray')}
          </p>
        </section>
      )}

      <CannedRepliesSettings onError={onError} />

      {session.permissions.includes('manage_staff') && <TeamSettings session={session} me={user} />}

      <UpdatesSettings />

      <section className="card settings-card" aria-labelledby={`${id}-mode`}>
        <h2 id={`${id}-mode`}>{t('settings.workspace')}</h2>
        <p className="muted">{t('settings.readOnly')}</p>
        <dl className="facts">
          <dt>{t('settings.mode')}</dt>
          <dd data-testid="settings-mode">
            {session.mode === 'local' ? t('settings.modeLocal') : t('settings.modeTeam')}
          </dd>
          {session.mode === 'team' && session.server_url && (
            <>
              <dt>{t('settings.server')}</dt>
              <dd data-testid="settings-server">{session.server_url}</dd>
            </>
          )}
          <dt>{t('settings.user')}</dt>
          <dd>{user.display_name}</dd>
          <dt>{t('settings.role')}</dt>
          <dd>{t(`role.${user.role}`)}</dd>
        </dl>
      </section>
    </div>
  );
}
