import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAccounts } from '../../kit/useAccounts';
import { useReloadKey } from '../../kit/useQuery';
import { BroadcastList } from './BroadcastList';
import { Composer } from './Composer';
import { EMPTY_TEXT, type BroadcastContent } from './ContentFields';
import { PhonePreview } from './PhonePreview';
import './broadcasts.css';

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
            setDraft(EMPTY_TEXT);
          }}
          data-testid="broadcasts-account"
        >
          {accounts.map((a) => (
            <option key={a.account.id} value={a.account.id}>
              {a.account.name}
            </option>
          ))}
        </select>
        {account ? <Composer key={accountId} account={account} onDraft={setDraft} onSent={bump} /> : null}
      </div>
      <div className="bc-col">
        {account ? <PhonePreview key={accountId} account={account} content={draft} /> : null}
        <BroadcastList accountId={accountId} version={version} />
      </div>
    </div>
  );
}
