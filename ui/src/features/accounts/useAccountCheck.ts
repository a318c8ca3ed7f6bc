import { checkAccount, type AccountDraft, type Issue } from '../../platform';
import { useQuery } from '../../kit/useQuery';

export type CheckResult = { issues: Issue[]; current: boolean };

/**
 * Asks the core to validate `draft` a moment after it stops changing, and
 * returns the latest answer (kept while a newer one is on its way, so the
 * form does not flicker). Null draft: no checking. A failed check gives no issues.
 */
export function useAccountCheck(draft: AccountDraft | null, delayMs = 200): CheckResult {
  const key = draft === null ? null : JSON.stringify(draft);
  const { data: answer } = useQuery(
    key === null
      ? null
      : () =>
          checkAccount(JSON.parse(key) as AccountDraft).then(
            (issues) => ({ key, issues }),
            () => ({ key, issues: [] as Issue[] }),
          ),
    [key],
    { delayMs },
  );
  if (key === null || answer === undefined) return { issues: [], current: false };
  return { issues: answer.issues, current: answer.key === key };
}
