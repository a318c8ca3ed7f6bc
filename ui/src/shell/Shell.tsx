import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../kit/useQuery';
import {
  dismissRejected,
  onOpenConversation,
  onSyncStatus,
  rejectedChanges,
  signOut,
  syncStatus,
  type RejectedChange,
  type Session,
  type StaffUser,
  type SyncStatus,
} from '../platform';
import { useInboxAlerts } from '../features/inbox/alerts';
import { DesignerScreen } from '../features/designer/Designer';
import { InboxScreen } from '../features/inbox/Inbox';
import { ShortcutSheet } from '../features/inbox/Palette';
import { AccountsScreen } from '../features/accounts/Accounts';
import { AutomationScreen } from '../features/automation/Automation';
import { BroadcastsScreen } from '../features/broadcasts/Broadcasts';
import { asAppError, describeError } from '../kit/errors';
import { LanguageSwitch } from './LanguageSwitch';
import { useMenuCommands } from './menuCommands';
import { RejectedBanner } from './RejectedBanner';
import { SettingsScreen } from '../features/settings/Settings';
import { SubscribersScreen } from '../features/subscribers/Subscribers';
import { SyncIndicator } from './SyncIndicator';

export const SCREENS = [
  'accounts',
  'designer',
  'conversations',
  'broadcasts',
  'automation',
  'subscribers',
  'settings',
] as const;
export type ScreenId = (typeof SCREENS)[number];

type Props = {
  session: Session;
  user: StaffUser;
  onSignedOut: () => void;
};

/** The signed-in console: sidebar, top bar, and the current screen. */
export function Shell({ session, user, onSignedOut }: Props) {
  const { t } = useTranslation();
  const [screen, setScreen] = useState<ScreenId>('accounts');
  // A conversation another screen asked the inbox to open (Subscribers → "open conversation").
  const [opening, setOpening] = useState<string | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  // The unread count in the title and notifications, whichever screen is shown.
  useInboxAlerts(user.id);
  const [rejected, setRejected] = useState<RejectedChange[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  // Help → Keyboard shortcuts in the application menu.
  const [shortcuts, setShortcuts] = useState(false);
  useMenuCommands(useCallback(() => setShortcuts(true), []));

  useQuery(syncStatus, [], { onData: setStatus });
  useEffect(() => {
    const offStatus = onSyncStatus((s) => setStatus(s));
    // A clicked notification opens its conversation, whichever screen is shown.
    const offOpen = onOpenConversation((id) => {
      setOpening(id);
      setScreen('conversations');
    });
    return () => {
      offStatus();
      offOpen();
    };
  }, []);

  const rejectedCount = status?.rejected ?? 0;
  useQuery(rejectedCount > 0 ? rejectedChanges : null, [rejectedCount, status], { onData: setRejected });

  const showError = (message: string) => setNotice(message);

  const onDismiss = (id: number) => {
    dismissRejected(id).then(
      () => {
        setRejected((list) => list.filter((r) => r.id !== id));
        syncStatus().then(setStatus, () => undefined);
      },
      (e: unknown) => showError(describeError(t, asAppError(e))),
    );
  };

  const onSignOut = () => {
    signOut().then(onSignedOut, (e: unknown) => showError(describeError(t, asAppError(e))));
  };

  let body;
  switch (screen) {
    case 'accounts':
      body = <AccountsScreen />;
      break;
    case 'designer':
      body = <DesignerScreen canDesign={session.permissions.includes('design_layouts')} />;
      break;
    case 'conversations':
      body = (
        <InboxScreen
          key={opening ?? ''}
          user={user}
          initialOpenId={opening}
          canAnswer={session.permissions.includes('answer_subscribers')}
        />
      );
      break;
    case 'subscribers':
      body = (
        <SubscribersScreen
          onOpenConversation={(id) => {
            setOpening(id);
            setScreen('conversations');
          }}
        />
      );
      break;
    case 'broadcasts':
      body = <BroadcastsScreen />;
      break;
    case 'automation':
      body = <AutomationScreen />;
      break;
    case 'settings':
      body = <SettingsScreen session={session} user={user} onError={showError} />;
      break;
  }

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="nav-list">
            {SCREENS.map((id) => (
              <li key={id}>
                <button
                  type="button"
                  className={`nav-item${id === screen ? ' is-active' : ''}`}
                  data-testid={`nav-${id}`}
                  aria-current={id === screen ? 'page' : undefined}
                  onClick={() => {
                    setOpening(null);
                    setScreen(id);
                  }}
                >
                  <span className={`nav-icon nav-icon-${id}`} aria-hidden="true" />
                  {t(`nav.${id}`)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <p className="sidebar-foot muted">{t('app.tagline')}</p>
      </aside>
      <div className="main">
        <header className="topbar">
          <h1 className="topbar-title" data-testid="screen-title">
            {t(`nav.${screen}`)}
          </h1>
          <div className="topbar-tools">
            {status && <SyncIndicator status={status} onError={showError} />}
            <LanguageSwitch onError={showError} />
            <span
              className="topbar-user"
              title={t('topbar.signedInAs', { name: user.display_name })}
              data-testid="user-name"
            >
              <bdi>{user.display_name}</bdi>
            </span>
            <button type="button" className="btn btn-ghost" data-testid="sign-out" onClick={onSignOut}>
              {t('topbar.signOut')}
            </button>
          </div>
        </header>
        {notice && (
          <div className="notice" role="alert" data-testid="notice">
            <span>{notice}</span>
            <button type="button" className="btn btn-link" onClick={() => setNotice(null)}>
              {t('rejected.dismiss')}
            </button>
          </div>
        )}
        {rejectedCount > 0 && rejected.length > 0 && <RejectedBanner changes={rejected} onDismiss={onDismiss} />}
        <main className={screen === 'conversations' || screen === 'subscribers' ? 'content content-flush' : 'content'}>
          {body}
        </main>
      </div>
      {shortcuts && <ShortcutSheet onClose={() => setShortcuts(false)} />}
    </div>
  );
}
