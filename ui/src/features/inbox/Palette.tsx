import { useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../kit/Dialog';
import { fuzzyScore } from '../../kit/canned';
import { helpRows, paletteCommands, type Action, type Command } from '../../kit/shortcuts';
import { INBOX_SHORTCUTS, type InboxAction } from './shortcuts';

export type { Command } from '../../kit/shortcuts';

type PaletteProps = {
  /** What the shortcut table's actions do now: the palette lists those the table marks. */
  actions: Partial<Record<InboxAction, Action>>;
  /** Commands outside the table (filters, views), listed before the help sheet's. */
  extra: Command[];
  onClose: () => void;
};

/** The palette's commands: the table's, in its order, with `extra` before the last one (the help sheet). */
export function inboxCommands(
  actions: Partial<Record<InboxAction, Action>>,
  extra: Command[],
  t: (key: string) => string,
): Command[] {
  const fromTable = paletteCommands(INBOX_SHORTCUTS, actions, t);
  const last = fromTable.findIndex((c) => c.id === 'shortcuts');
  const at = last < 0 ? fromTable.length : last;
  return [...fromTable.slice(0, at), ...extra, ...fromTable.slice(at)];
}

/** Ctrl+K: every inbox action, filtered by typing. */
export function CommandPalette({ actions, extra, onClose }: PaletteProps) {
  const { t } = useTranslation();
  const commands = inboxCommands(actions, extra, t);
  const titleId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const shown = commands
    .filter((c) => !c.disabled)
    .map((c) => ({ c, score: fuzzyScore(query, c.label) ?? fuzzyScore(query, c.id) }))
    .filter((x): x is { c: Command; score: number } => x.score !== null)
    .sort((a, b) => b.score - a.score)
    .map((x) => x.c);
  const index = Math.min(active, Math.max(0, shown.length - 1));

  const run = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    command.run();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (shown.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index + step + shown.length) % shown.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      run(shown[index]);
    }
  };

  return (
    <Dialog labelledBy={titleId} onClose={onClose} testId="command-palette">
      <div className="ib-palette">
        <h2 id={titleId} className="visually-hidden">
          {t('inbox.palette.title')}
        </h2>
        <input
          className="ib-palette-input"
          data-testid="palette-input"
          autoFocus
          value={query}
          placeholder={t('inbox.palette.placeholder')}
          aria-label={t('inbox.palette.placeholder')}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <ul className="ib-palette-list" role="listbox">
          {shown.length === 0 && <li className="muted ib-pad">{t('inbox.palette.none')}</li>}
          {shown.map((c, i) => (
            <li key={c.id} role="option" aria-selected={i === index}>
              <button
                type="button"
                className={`ib-palette-item${i === index ? ' is-active' : ''}`}
                data-testid="palette-item"
                onClick={() => run(c)}
              >
                <span>{c.label}</span>
                {c.keys && <kbd>{c.keys}</kbd>}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </Dialog>
  );
}

/** `?`: the keyboard map, from the same table as the keys and the palette. */
export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <Dialog labelledBy={titleId} onClose={onClose} testId="shortcut-sheet">
      <div className="dialog-header">
        <h2 id={titleId}>{t('inbox.shortcuts.title')}</h2>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('inbox.shortcuts.close')}
        </button>
      </div>
      <dl className="ib-shortcuts">
        {helpRows(INBOX_SHORTCUTS).map((s) => (
          <div key={s.action} className="ib-shortcut">
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{t(s.label)}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
