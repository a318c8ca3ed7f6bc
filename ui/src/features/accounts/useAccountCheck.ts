import { useEffect, useState } from 'react';
import { checkAccount, type AccountDraft, type Issue } from '../../platform';

export type CheckResult = { issues: Issue[]; current: boolean };

/**
 * Asks the core to validate `draft` a moment after it stops changing, and
 * returns the latest answer (kept while a newer one is on its way, so the
 * form does not flicker). Null draft: no checking. A failed check gives no issues.
 */
export function useAccountCheck(draft: AccountDraft | null, delayMs = 200): CheckResult {
  const key = draft === null ? null : JSON.stringify(draft);
  const [answer, setAnswer] = useState<{ key: string; issues: Issue[] } | null>(null);

  useEffect(() => {
    if (key === null) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      checkAccount(JSON.parse(key) as AccountDraft).then(
        (issues) => {
          if (live) setAnswer({ key, issues });
        },
        () => {
          if (live) setAnswer({ key, issues: [] });
        },
      );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, delayMs]);

  if (key === null || answer === null) return { issues: [], current: false };
  return { issues: answer.issues, current: answer.key === key };
}
