import { useMemo } from 'react';
import { listAccounts, onAccountsChanged, type AccountListItem } from '../platform';
import { useQuery } from './useQuery';

export type Accounts = {
  /** Every account, archived ones too; null until the first answer. */
  all: AccountListItem[] | null;
  /** The accounts in use (not archived); empty until the first answer. */
  active: AccountListItem[];
  /** The last read's failure, if any. */
  error: unknown;
  reload: () => void;
};

/** The account list, read again whenever the core says the accounts changed. */
export function useAccounts(): Accounts {
  const { data, error, reload } = useQuery(listAccounts, [], { reloadOn: onAccountsChanged });
  const all = data ?? null;
  const active = useMemo(() => (all ?? []).filter((a) => !a.account.archived), [all]);
  return { all, active, error, reload };
}
