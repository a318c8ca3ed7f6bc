import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountListItem, ConversationStatus, InboxFilter, InboxScope } from '../../platform';
import { STATUSES } from './Sidebar';
import type { SavedViews } from './useSavedViews';

export const SCOPES: readonly InboxScope[] = ['mine', 'unassigned', 'all'];

type Props = {
  filter: InboxFilter;
  labels: string[];
  accounts: AccountListItem[];
  views: SavedViews;
  onChange: (patch: Partial<InboxFilter>) => void;
};

/** Above the list: whose, which status, label, unread, account, and the saved views. */
export function ListFilters({ filter, labels, accounts, views, onChange }: Props) {
  const { t } = useTranslation();
  return (
    <div className="ib-filters">
      <div className="ib-segment" role="group" aria-label={t('inbox.filter.scope')}>
        {SCOPES.map((scope) => (
          <button
            key={scope}
            type="button"
            className={`ib-segment-btn${filter.scope === scope ? ' is-active' : ''}`}
            aria-pressed={filter.scope === scope}
            data-testid={`scope-${scope}`}
            onClick={() => onChange({ scope })}
          >
            {t(`inbox.scope.${scope}`)}
          </button>
        ))}
      </div>
      <div className="ib-filter-row">
        <select
          aria-label={t('inbox.filter.status')}
          data-testid="filter-status"
          value={filter.status ?? ''}
          onChange={(e) => onChange({ status: e.target.value === '' ? null : (e.target.value as ConversationStatus) })}
        >
          <option value="">{t('inbox.filter.anyStatus')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`inbox.status.${s}`)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('inbox.filter.label')}
          data-testid="filter-label"
          value={filter.label ?? ''}
          onChange={(e) => onChange({ label: e.target.value === '' ? null : e.target.value })}
        >
          <option value="">{t('inbox.filter.anyLabel')}</option>
          {labels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <button
          type="button"
          className={`btn btn-small ib-unread-toggle${filter.unread_only ? ' is-active' : ''}`}
          aria-pressed={filter.unread_only === true}
          data-testid="filter-unread"
          onClick={() => onChange({ unread_only: !filter.unread_only })}
        >
          {t('inbox.filter.unread')}
        </button>
        {accounts.length > 1 && (
          <select
            aria-label={t('inbox.filter.account')}
            data-testid="filter-account"
            value={filter.account_id ?? ''}
            onChange={(e) => onChange({ account_id: e.target.value === '' ? null : e.target.value })}
          >
            <option value="">{t('inbox.filter.anyAccount')}</option>
            {accounts.map((a) => (
              <option key={a.account.id} value={a.account.id}>
                {a.account.name}
              </option>
            ))}
          </select>
        )}
      </div>
      <SavedViewsRow views={views} onChange={onChange} />
    </div>
  );
}

function SavedViewsRow({ views, onChange }: { views: SavedViews; onChange: (patch: Partial<InboxFilter>) => void }) {
  const { t } = useTranslation();
  const { current, naming, setNaming } = views;
  return (
    <div className="ib-filter-row ib-views">
      <select
        aria-label={t('inbox.views.label')}
        data-testid="saved-views"
        value={current?.name ?? ''}
        onChange={(e) => {
          const view = views.views.find((v) => v.name === e.target.value);
          if (view) onChange(view.filter);
        }}
      >
        <option value="">{views.views.length === 0 ? t('inbox.views.none') : t('inbox.views.choose')}</option>
        {views.views.map((v) => (
          <option key={v.name} value={v.name}>
            {v.name}
          </option>
        ))}
      </select>
      {current ? (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          data-testid="delete-view"
          onClick={() => views.remove(current.name)}
        >
          {t('inbox.views.delete')}
        </button>
      ) : naming === null ? (
        <button type="button" className="btn btn-small btn-ghost" data-testid="save-view" onClick={() => setNaming('')}>
          {t('inbox.views.save')}
        </button>
      ) : (
        <form
          className="ib-view-form"
          onSubmit={(e) => {
            e.preventDefault();
            views.save();
          }}
        >
          <input
            autoFocus
            data-testid="view-name"
            value={naming}
            maxLength={40}
            placeholder={t('inbox.views.name')}
            aria-label={t('inbox.views.name')}
            onChange={(e) => setNaming(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setNaming(null);
            }}
          />
          <button type="submit" className="btn btn-small" disabled={naming.trim().length === 0}>
            {t('inbox.views.keep')}
          </button>
        </form>
      )}
    </div>
  );
}

/** Message search above the list; Esc clears it and leaves the field. */
export function SearchBox({
  inputRef,
  query,
  onQuery,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  query: string;
  onQuery: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="ib-search">
      <input
        ref={inputRef}
        type="search"
        className="ib-search-input"
        data-testid="inbox-search"
        placeholder={t('inbox.search.placeholder')}
        aria-label={t('inbox.search.placeholder')}
        value={query}
        onChange={(e) => onQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onQuery('');
            e.currentTarget.blur();
          }
        }}
      />
    </div>
  );
}
