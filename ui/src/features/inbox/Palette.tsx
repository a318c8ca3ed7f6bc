import { useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../kit/Dialog';
import { fuzzyScore } from '../../kit/canned';

export type Command = { id: string; label: string; keys?: string; disabled?: boolean; run: () => void };

/** Ctrl+K: every inbox action, filtered by typing. */
export function CommandPalette({ commands, onClose }: { commands: Command[]; onClose: () => void }) {
  const { t } = useTranslation();
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
              <button type="button" className={`ib-palette-item${i === index ? ' is-active' : ''}`} data-testid="palette-item" onClick={() => run(c)}>
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

export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'J / Alt+↓', action: 'next' },
  { keys: 'K / Alt+↑', action: 'previous' },
  { keys: 'E', action: 'resolve' },
  { keys: 'Shift+E', action: 'resolveNext' },
  { keys: 'A', action: 'assignMe' },
  { keys: 'R', action: 'reply' },
  { keys: 'N', action: 'note' },
  { keys: 'X', action: 'check' },
  { keys: '/', action: 'search' },
  { keys: 'Ctrl+K', action: 'palette' },
  { keys: '?', action: 'shortcuts' },
  { keys: 'Enter', action: 'send' },
  { keys: 'Shift+Enter', action: 'newline' },
  { keys: 'Esc', action: 'escape' },
];

/** `?`: the keyboard map. */
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
        {SHORTCUTS.map((s) => (
          <div key={s.action} className="ib-shortcut">
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{t(`inbox.shortcuts.${s.action}`)}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
