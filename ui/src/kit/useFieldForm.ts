import { useState } from 'react';
import type { Issue } from '../platform';
import { asAppError, fieldOf } from './errors';

/**
 * A form the core checks: submitting runs the call once at a time; a refusal
 * puts each issue under the field it names and anything else in `failure`;
 * editing a field clears its issues until the next submit says otherwise.
 */
export function useFieldForm(fields: readonly string[], describe: (e: unknown) => string) {
  const [issues, setIssues] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const clearField = (field: string) => setIssues((list) => list.filter((issue) => fieldOf(issue.path) !== field));
  const issuesFor = (field: string) => issues.filter((issue) => fieldOf(issue.path) === field);

  const submit = <T>(call: () => Promise<T>, onDone: (value: T) => void) => {
    setSaving(true);
    setFailure(null);
    call()
      .then(onDone, (e: unknown) => {
        const own = asAppError(e).issues.filter((issue) => fields.includes(fieldOf(issue.path)));
        setIssues(own);
        if (own.length === 0) setFailure(describe(e));
      })
      .finally(() => setSaving(false));
  };

  return { failure, saving, clearField, issuesFor, submit };
}
