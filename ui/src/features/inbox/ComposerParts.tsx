import { useTranslation } from 'react-i18next';
import type { CannedReply, Presence, ReplyWindow } from '../../platform';
import { fillVariables, type Canned } from '../../kit/canned';
import { durationLeft } from '../../kit/time';
import type { ComposerMode, WindowState } from './Composer';
import { ComposerPresence } from './Presence';

type HeadProps = {
  mode: ComposerMode;
  onModeChange: (mode: ComposerMode) => void;
  window: ReplyWindow | null;
  state: WindowState;
  canAnswer: boolean;
  assignedToOther: boolean;
  colleagues: readonly Presence[];
};

/** Above the text: reply or note, the reply window, and why replying is blocked or someone else's. */
export function ComposerHead({ mode, onModeChange, window, state, canAnswer, assignedToOther, colleagues }: HeadProps) {
  const { t } = useTranslation();
  const windowLine = state.open
    ? [
        state.left !== null
          ? t('inbox.window.closesIn', { time: durationLeft(state.left, t) })
          : window
            ? t('inbox.window.openNoLimit')
            : null,
        state.replies !== null ? t('inbox.window.repliesLeft', { count: state.replies }) : null,
      ]
        .filter((part): part is string => part !== null)
        .join(' · ')
    : null;

  return (
    <>
      <div className="ib-composer-head">
        <div className="ib-mode" role="group" aria-label={t('inbox.composer.modeLabel')}>
          <button
            type="button"
            className={`ib-mode-btn${mode === 'reply' ? ' is-active' : ''}`}
            aria-pressed={mode === 'reply'}
            data-testid="mode-reply"
            onClick={() => onModeChange('reply')}
          >
            {t('inbox.composer.reply')}
          </button>
          <button
            type="button"
            className={`ib-mode-btn${mode === 'note' ? ' is-active' : ''}`}
            aria-pressed={mode === 'note'}
            data-testid="mode-note"
            onClick={() => onModeChange('note')}
          >
            {t('inbox.composer.note')}
          </button>
        </div>
        {mode === 'reply' && windowLine && (
          <span className="ib-window muted" data-testid="reply-window">
            {windowLine}
          </span>
        )}
        {mode === 'note' && <span className="ib-window muted">{t('inbox.composer.noteHint')}</span>}
      </div>
      {mode === 'reply' && !state.open && (
        <div className="ib-window-closed" role="status" data-testid="window-closed">
          <strong>{t(state.reason ?? 'reply_window.expired', { defaultValue: state.reason ?? '' })}</strong>
          <span>{t('inbox.window.broadcastHint')}</span>
        </div>
      )}
      {!canAnswer && (
        <div className="ib-window-closed" role="status" data-testid="role-blocked">
          <strong>{t('inbox.composer.roleBlocked')}</strong>
        </div>
      )}
      <ComposerPresence people={colleagues} />
      {mode === 'reply' && state.open && assignedToOther && (
        <p className="ib-assigned-other" data-testid="assigned-other">
          {t('inbox.composer.assignedToOther')}
        </p>
      )}
    </>
  );
}

type PickerProps = {
  /** The workspace's canned replies; null until read. */
  stored: CannedReply[] | null;
  matches: Canned[];
  activeIndex: number;
  addingStarters: boolean;
  vars: { subscriberName: string; accountName: string };
  onAddStarters: () => void;
  onPick: (item: Canned) => void;
};

/** After `/`: the canned replies that match, or the starters to add when there are none. */
export function CannedPicker({
  stored,
  matches,
  activeIndex,
  addingStarters,
  vars,
  onAddStarters,
  onPick,
}: PickerProps) {
  const { t } = useTranslation();
  return (
    <div className="ib-canned" role="listbox" aria-label={t('inbox.canned.label')} data-testid="canned-picker">
      {stored !== null && stored.length === 0 ? (
        <div className="ib-canned-empty">
          <p className="muted">{t('inbox.canned.empty')}</p>
          <button
            type="button"
            className="btn btn-small"
            data-testid="canned-add-starters"
            disabled={addingStarters}
            onMouseDown={(e) => e.preventDefault()}
            onClick={onAddStarters}
          >
            {t('inbox.canned.addStarters')}
          </button>
        </div>
      ) : (
        stored !== null && matches.length === 0 && <p className="ib-canned-empty muted">{t('inbox.canned.none')}</p>
      )}
      {matches.map((item, i) => (
        <button
          type="button"
          role="option"
          aria-selected={i === activeIndex}
          key={item.code}
          className={`ib-canned-item${i === activeIndex ? ' is-active' : ''}`}
          data-testid="canned-option"
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(item)}
        >
          <span className="ib-canned-title">
            <code>/{item.code}</code> {item.title}
          </span>
          <span className="ib-canned-text muted">{fillVariables(item.text, vars)}</span>
        </button>
      ))}
    </div>
  );
}
