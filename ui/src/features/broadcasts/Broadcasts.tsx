import { useCallback, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  deleteBroadcastDraft,
  listBroadcastDrafts,
  onBroadcastDraftsChanged,
  type BroadcastDraft,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useAccounts } from '../../kit/useAccounts';
import { sameJson, useQuery, useReloadKey } from '../../kit/useQuery';
import { forAccount } from './audience';
import { BroadcastList } from './BroadcastList';
import { Composer } from './Composer';
import { EMPTY_TEXT, type BroadcastContent } from './ContentFields';
import { DraftList } from './DraftList';
import { EMPTY_STATE, composerState, newDraftId, type ComposerState } from './drafts';
import { PhonePreview } from './PhonePreview';
import './broadcasts.css';

function fresh(): { id: string; state: ComposerState } {
  return { id: newDraftId(), state: EMPTY_STATE };
}

/**
 * Broadcasts (群发): one message to every follower of an account or to a
 * segment, forecast by the server before it is sent (who receives it, who a
 * cap or an unfollow leaves out), sent now or at a time, then counted.
 */
export function BroadcastsScreen() {
  const { t } = useTranslation();
  const id = useId();
  const accounts = useAccounts().active;
  const [chosen, setChosen] = useState<string | null>(null);
  // The composer's message, shown in the phone beside it.
  const [draft, setDraft] = useState<BroadcastContent>(EMPTY_TEXT);
  const accountId = accounts.some((a) => a.account.id === chosen) ? chosen : (accounts[0]?.account.id ?? null);
  const [version, bump] = useReloadKey();
  const account = accounts.find((a) => a.account.id === accountId)?.account ?? null;
  // The draft the composer opened with (a new one, or one continued), and the one it writes now.
  const [opened, setOpened] = useState(fresh);
  const [editing, setEditing] = useState(opened.id);
  const [draftsVersion, bumpDrafts] = useReloadKey();
  // Read again only when the core says this account's drafts changed (saved, synced, deleted), not
  // on every sync event; an answer like the last one renders nothing, so the list stays put.
  const draftsChanged = useMemo(() => forAccount(onBroadcastDraftsChanged, accountId), [accountId]);
  const drafts = useQuery(
    accountId === null ? null : () => listBroadcastDrafts(accountId),
    [accountId, draftsVersion],
    { reloadOn: draftsChanged, same: sameJson },
  );
  const [draftError, setDraftError] = useState<string | null>(null);
  // Drafts deleted here: a save still waiting in the composer does not bring one back.
  const deleted = useRef(new Set<string>());
  const isDeleted = useCallback((id: string) => deleted.current.has(id), []);

  const open = (next: { id: string; state: ComposerState }) => {
    setOpened(next);
    setEditing(next.id);
    setDraft(next.state.content);
  };
  const continueDraft = (d: BroadcastDraft) => open({ id: d.id, state: composerState(d) });
  const removeDraft = (d: BroadcastDraft) => {
    setDraftError(null);
    deleted.current.add(d.id);
    if (d.id === editing) open(fresh());
    deleteBroadcastDraft(d.id).then(bumpDrafts, (e: unknown) => setDraftError(describeError(t, asAppError(e))));
  };
  const draftSaved = useCallback(
    (id: string) => {
      setEditing(id);
      bumpDrafts();
    },
    [bumpDrafts],
  );

  if (accountId === null) {
    return (
      <div className="bc" data-testid="broadcasts-screen">
        <p data-testid="broadcasts-no-accounts">{t('broadcasts.noAccounts')}</p>
      </div>
    );
  }
  return (
    <div className="bc" data-testid="broadcasts-screen">
      <div className="bc-col">
        <h1 className="bc-title">{t('broadcasts.title')}</h1>
        <p className="bc-hint">{t('broadcasts.intro')}</p>
        <label htmlFor={`${id}-account`}>{t('broadcasts.account')}</label>
        <select
          id={`${id}-account`}
          value={accountId}
          onChange={(e) => {
            setChosen(e.target.value);
            open(fresh());
          }}
          data-testid="broadcasts-account"
        >
          {accounts.map((a) => (
            <option key={a.account.id} value={a.account.id}>
              {a.account.name}
            </option>
          ))}
        </select>
        {account ? (
          <Composer
            key={`${accountId}:${opened.id}`}
            account={account}
            initial={opened}
            waiting={drafts.data?.find((item) => item.draft.id === editing)?.waiting}
            isDeleted={isDeleted}
            onDraftSaved={draftSaved}
            onDraft={setDraft}
            onSent={bump}
          />
        ) : null}
      </div>
      <div className="bc-col">
        {account ? <PhonePreview key={accountId} account={account} content={draft} /> : null}
        <DraftList
          items={drafts.data}
          editing={editing}
          onContinue={continueDraft}
          onDelete={removeDraft}
          error={draftError ?? (drafts.error ? describeError(t, asAppError(drafts.error)) : null)}
        />
        <BroadcastList accountId={accountId} version={version} />
      </div>
    </div>
  );
}
