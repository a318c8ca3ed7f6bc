import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

type Props = {
  /** The canned reply's title, to say what is being filled in. */
  title: string;
  /** The placeholders to fill, in the order they appear. */
  names: string[];
  /** The values by name, or null when the agent cancels. */
  onDone: (values: Record<string, string> | null) => void;
};

/** Asks for a canned reply's own `{{placeholders}}` before it is inserted. */
export function PlaceholderForm({ title, names, onDone }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const complete = names.every((name) => (values[name] ?? '').trim().length > 0);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (complete) onDone(Object.fromEntries(names.map((name) => [name, (values[name] ?? '').trim()])));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onDone(null);
    }
  };

  return (
    <form
      className="ib-canned ib-fill"
      aria-labelledby={`${id}-title`}
      data-testid="canned-fill"
      onSubmit={submit}
      onKeyDown={onKeyDown}
    >
      <p id={`${id}-title`} className="ib-fill-title">
        {t('inbox.canned.fillTitle', { title })}
      </p>
      {names.map((name, i) => (
        <label key={name} className="ib-fill-field">
          <span>{name}</span>
          <input
            autoFocus={i === 0}
            data-testid={`canned-fill-${name}`}
            value={values[name] ?? ''}
            onChange={(e) => setValues((prev) => ({ ...prev, [name]: e.target.value }))}
          />
        </label>
      ))}
      <div className="ib-fill-actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={() => onDone(null)}>
          {t('inbox.canned.fillCancel')}
        </button>
        <button
          type="submit"
          className="btn btn-small btn-primary"
          data-testid="canned-fill-insert"
          disabled={!complete}
        >
          {t('inbox.canned.fillInsert')}
        </button>
      </div>
    </form>
  );
}
