import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BottomMenu, FunctionView, httpsUrl } from '../renderer';
import type { Action, Message, SandboxView, SubscriberEvent } from '../shared/model';
import type { SubscriberApi } from './api';
import { AccountAvatar } from './AccountAvatar';
import { Chat } from './Chat';
import { describeError } from './errors';
import { Sheet, type SheetContent } from './Sheet';
import { useConversation } from './useConversation';

export type ViewName = 'function' | 'chat';

type Load = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'ready'; data: SandboxView };

/** The public service account as a phone shows it, in the sandbox platform. */
export function SubscriberApp({
  api,
  opener = (url) => window.open(url, '_blank', 'noopener,noreferrer'),
}: {
  api: SubscriberApi;
  opener?: (url: string) => void;
}) {
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    api.view().then(
      (data) => live && setLoad({ state: 'ready', data }),
      (error: unknown) => live && setLoad({ state: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [api, attempt]);

  if (load.state === 'loading') {
    return (
      <div className="sub-app sub-center">
        <p className="sub-muted">{t('subscriber.loading')}</p>
      </div>
    );
  }
  if (load.state === 'failed') {
    return (
      <div className="sub-app sub-center" role="alert" data-testid="load-error">
        <p>{describeError(t, load.error)}</p>
        <button
          type="button"
          className="sub-button"
          onClick={() => {
            setLoad({ state: 'loading' });
            setAttempt((n) => n + 1);
          }}
        >
          {t('subscriber.retry')}
        </button>
      </div>
    );
  }
  return <AccountPage api={api} data={load.data} opener={opener} />;
}

function AccountPage({ api, data, opener }: { api: SubscriberApi; data: SandboxView; opener: (url: string) => void }) {
  const { t } = useTranslation();
  const { account, layout, sample } = data;
  const [view, setView] = useState<ViewName>('function');
  const [page, setPage] = useState<string | null>(null);
  const [following, setFollowing] = useState(data.subscriber.following);
  const [followBusy, setFollowBusy] = useState(false);
  const [sheet, setSheet] = useState<SheetContent | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const conversation = useConversation(api, true);
  const { messages, refresh, merge } = conversation;
  const [seen, setSeen] = useState<number | null>(null);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = account.name;
  }, [account.name]);

  // Replies that came, after the first load, while the function view was shown.
  if (conversation.loaded && (seen === null || (view === 'chat' && seen !== messages.length))) setSeen(messages.length);
  const unread = useMemo(
    () => (seen === null ? 0 : messages.slice(seen).filter((m) => m.direction === 'outbound').length),
    [messages, seen],
  );

  const fail = useCallback((error: unknown) => setNotice(describeError(t, error)), [t]);

  const postEvent = useCallback(
    (event: SubscriberEvent) => {
      api.sendEvent(event).then(refresh, fail);
    },
    [api, refresh, fail],
  );

  const openUrl = useCallback(
    (url: string) => {
      const safe = httpsUrl(url);
      if (safe) opener(safe);
      else setSheet({ kind: 'blocked', url });
    },
    [opener],
  );

  const perform = useCallback(
    (action: Action, fromMenu: boolean) => {
      switch (action.type) {
        case 'open_url':
          openUrl(action.url);
          return;
        case 'send_keyword':
          // From the menu, the menu_tap event already says it.
          if (!fromMenu) postEvent({ event: 'keyword', keyword: action.keyword });
          setView('chat');
          return;
        case 'open_conversation':
          setView('chat');
          return;
        case 'open_page':
          setPage(action.page_id);
          setView('function');
          if (mainRef.current) mainRef.current.scrollTop = 0;
          return;
        case 'call':
          setSheet({ kind: 'call', phone: action.phone });
          return;
        case 'map':
          setSheet({ kind: 'map', name: action.name, latitude: action.latitude, longitude: action.longitude });
          return;
        case 'pay':
          setSheet({ kind: 'pay', amount: action.amount_template, description: action.description });
          return;
        // The web page of a mini program stands in for it, as in WeChat's
        // old clients.
        case 'mini_program':
          openUrl(action.url);
          return;
        // WeChat's own menu buttons: WeChat's client does their work, the
        // menu_tap event already says which was tapped.
        case 'wechat_event':
        case 'send_media':
        case 'open_media':
        case 'send_article':
        case 'open_article':
          return;
      }
    },
    [openUrl, postEvent],
  );

  const onModuleAction = useCallback((action: Action) => perform(action, false), [perform]);
  const onMenuAction = useCallback(
    (action: Action, label: string, itemId: string) => {
      postEvent({ event: 'menu_tap', key: itemId, label });
      perform(action, true);
    },
    [perform, postEvent],
  );

  async function toggleFollow() {
    if (followBusy) return;
    setFollowBusy(true);
    try {
      const result = following ? await api.unfollow() : await api.follow();
      setFollowing(result.following);
      refresh();
    } catch (error) {
      fail(error);
    } finally {
      setFollowBusy(false);
    }
  }

  const onSent = useCallback((message: Message) => merge([message]), [merge]);

  return (
    <div className="sub-app" data-view={view}>
      <header className="sub-topbar">
        <AccountAvatar name={account.name} color={account.avatar_color} />
        <h1 className="sub-account-name" data-testid="account-name">
          {account.name}
        </h1>
        <button
          type="button"
          className={`sub-follow${following ? ' sub-following' : ''}`}
          data-testid="follow-button"
          data-following={following}
          aria-pressed={following}
          disabled={followBusy}
          onClick={() => void toggleFollow()}
        >
          {following ? t('subscriber.following') : t('subscriber.follow')}
        </button>
        <div className="sub-switch" role="tablist" aria-label={t('subscriber.switchLabel')}>
          <button
            type="button"
            role="tab"
            aria-selected={view === 'function'}
            className={view === 'function' ? 'sub-active' : ''}
            data-testid="view-switch-function"
            onClick={() => setView('function')}
          >
            {t('subscriber.viewFunction')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={view === 'chat'}
            className={view === 'chat' ? 'sub-active' : ''}
            data-testid="view-switch-chat"
            onClick={() => setView('chat')}
          >
            {t('subscriber.viewChat')}
            {unread > 0 && (
              <span
                className="sub-badge"
                data-testid="unread-badge"
                aria-label={t('subscriber.unread', { count: unread })}
              >
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </button>
        </div>
      </header>

      {notice !== null && (
        <div className="sub-notice" role="alert" data-testid="app-error">
          <span>{notice}</span>
          <button
            type="button"
            className="sub-notice-close"
            aria-label={t('subscriber.dismiss')}
            onClick={() => setNotice(null)}
          >
            ×
          </button>
        </div>
      )}

      {view === 'function' ? (
        <>
          <main className="sub-function" data-testid="function-view" ref={mainRef}>
            {layout ? (
              <FunctionView
                layout={layout}
                sample={sample}
                page={page}
                onAction={onModuleAction}
                onBack={() => {
                  setPage(null);
                  if (mainRef.current) mainRef.current.scrollTop = 0;
                }}
              />
            ) : (
              <div className="sub-empty" data-testid="not-published">
                <AccountAvatar name={account.name} color={account.avatar_color} />
                <p>{t('subscriber.notPublished')}</p>
                {account.description.trim() !== '' && <p className="sub-muted">{account.description}</p>}
              </div>
            )}
          </main>
          {layout && layout.menu.items.length > 0 && (
            <footer className="sub-menu-bar">
              <BottomMenu menu={layout.menu} sample={sample} onAction={onMenuAction} />
            </footer>
          )}
        </>
      ) : (
        <Chat
          api={api}
          accountName={account.name}
          accountColor={account.avatar_color}
          messages={messages}
          loaded={conversation.loaded}
          loadError={conversation.error}
          onSent={onSent}
          onOpenUrl={openUrl}
        />
      )}

      {sheet !== null && <Sheet content={sheet} onClose={() => setSheet(null)} />}
    </div>
  );
}
