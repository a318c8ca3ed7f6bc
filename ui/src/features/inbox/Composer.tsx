import { useEffect, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import {
  listCannedReplies,
  loadDraft,
  saveDraft,
  saveCannedReply,
  sendReply,
  type CannedReply,
  type Presence,
  type ReplyWindow,
  type ThreadMessage,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { isSendKey, sendKey } from '../../kit/sendKey';
import { ImageIcon } from './ImageIcon';
import {
  asCanned,
  fillVariables,
  placeholdersOf,
  searchCanned,
  slashQuery,
  starterDrafts,
  type Canned,
} from '../../kit/canned';
import { CannedPicker, ComposerHead } from './ComposerParts';
import { PlaceholderForm } from './PlaceholderForm';
import { useDebouncedSave } from '../../kit/useDebouncedSave';
import { useNow } from '../../kit/useNow';
import { useQuery } from '../../kit/useQuery';
import { useImageAttach } from './useImageAttach';
import { useTypingPresence } from './usePresence';

export type ComposerMode = 'reply' | 'note';

/** How long typing may go unsaved; every change is saved at most this long after it. */
export const DRAFT_DEBOUNCE_MS = 250;
const WINDOW_TICK_MS = 30_000;

type Props = {
  conversationId: string;
  mode: ComposerMode;
  onModeChange: (mode: ComposerMode) => void;
  /** The reply window from threadInfo; null while it loads. */
  window: ReplyWindow | null;
  subscriberName: string;
  accountName: string;
  /** Assigned to someone else: replying is allowed, but the composer says so. */
  assignedToOther: boolean;
  /** The signed-in role may answer subscribers (reply, note); the server refuses it otherwise. */
  canAnswer?: boolean;
  /** Colleagues viewing or typing in this conversation (never oneself); empty when none or unknown. */
  colleagues?: readonly Presence[];
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  onSent: (message: ThreadMessage) => void;
  onError: (message: string) => void;
};

/** The window as of `now`: a window whose closing time has passed is closed, even before the cache says so. */
export type WindowState = { open: boolean; reason: string | null; left: number | null; replies: number | null };

function windowAt(window: ReplyWindow | null, now: number): WindowState {
  if (!window) return { open: true, reason: null, left: null, replies: null };
  if (!window.open)
    return { open: false, reason: window.closed_reason ?? 'reply_window.expired', left: null, replies: null };
  if (window.closes_at !== null && window.closes_at <= now)
    return { open: false, reason: 'reply_window.expired', left: null, replies: null };
  return {
    open: true,
    reason: null,
    left: window.closes_at === null ? null : window.closes_at - now,
    replies: window.replies_left,
  };
}

/**
 * Reply or private note, with the draft kept in the cache as you type. The
 * parent keys it by conversation: unmounting flushes the draft.
 */
export function Composer({
  conversationId,
  mode,
  onModeChange,
  window,
  subscriberName,
  accountName,
  assignedToOther,
  canAnswer = true,
  colleagues = [],
  textareaRef,
  onSent,
  onError,
}: Props) {
  const { t } = useTranslation();
  // Colleagues see that a reply or note is being typed here.
  const typing = useTypingPresence(conversationId);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [now] = useNow(WINDOW_TICK_MS);
  const [caret, setCaret] = useState(0);
  const [pickerIndex, setPickerIndex] = useState(0);
  const [pickerDismissed, setPickerDismissed] = useState<number | null>(null);
  const touched = useRef(false);
  const textRef = useRef('');
  const inFlight = useRef(false);
  // The message being sent: its clientId is reused until the send resolves,
  // and again if the same text is sent after a failure, so it is stored once.
  const outgoing = useRef<{ clientId: string; text: string; note: boolean } | null>(null);
  const caretAfterInsert = useRef<number | null>(null);
  // The workspace's canned replies; null until read.
  const [stored, setStored] = useState<CannedReply[] | null>(null);
  const [addingStarters, setAddingStarters] = useState(false);
  // A canned reply with placeholders the agent fills in before it is inserted.
  const [filling, setFilling] = useState<{ item: Canned; start: number; end: number; names: string[] } | null>(null);
  const image = useImageAttach(conversationId, onSent, onError);

  // What is typed is saved as a draft once typing pauses, and at once when
  // the composer goes away (another conversation, another screen).
  const draftSave = useDebouncedSave(
    (pending: string) =>
      saveDraft(conversationId, pending).catch((e: unknown) =>
        onError(t('inbox.composer.draftFailed', { reason: describeError(t, asAppError(e)) })),
      ),
    DRAFT_DEBOUNCE_MS,
  );
  useQuery(() => loadDraft(conversationId), [conversationId], {
    onData: (draft) => {
      // Typing that started before the draft arrived wins.
      if (touched.current) return;
      textRef.current = draft;
      setText(draft);
    },
  });

  useEffect(() => {
    const at = caretAfterInsert.current;
    const el = textareaRef.current;
    if (at === null || !el) return;
    caretAfterInsert.current = null;
    el.focus();
    el.setSelectionRange(at, at);
  }, [text, textareaRef]);

  const state = windowAt(window, now);
  // A role that may not answer writes nothing here; a closed window blocks replies, not notes.
  const replyBlocked = !canAnswer || (mode === 'reply' && !state.open);

  const canned = useMemo(() => asCanned(stored ?? []), [stored]);
  const slash = slashQuery(text, caret);
  const pickerOpen = slash !== null && pickerDismissed !== slash.start && filling === null;

  // Read when the picker opens, so replies edited in Settings meanwhile are there.
  useQuery(pickerOpen ? listCannedReplies : null, [pickerOpen], {
    onData: setStored,
    onError: (e) => onError(t('inbox.canned.loadFailed', { reason: describeError(t, asAppError(e)) })),
  });

  const addStarters = async () => {
    setAddingStarters(true);
    try {
      for (const draft of starterDrafts(t)) await saveCannedReply(draft);
      setStored(await listCannedReplies());
    } catch (e: unknown) {
      onError(t('inbox.canned.startersFailed', { reason: describeError(t, asAppError(e)) }));
    } finally {
      setAddingStarters(false);
      textareaRef.current?.focus();
    }
  };
  const matches = pickerOpen ? searchCanned(canned, slash.query).slice(0, 6) : [];
  const activeIndex = Math.min(pickerIndex, Math.max(0, matches.length - 1));

  const change = (value: string, at: number) => {
    touched.current = true;
    typing.typed();
    textRef.current = value;
    setText(value);
    setCaret(at);
    setPickerIndex(0);
    draftSave.schedule(value);
  };

  const onChange = (event: ChangeEvent<HTMLTextAreaElement>) => {
    const at = event.target.selectionStart ?? event.target.value.length;
    if (pickerDismissed !== null && slashQuery(event.target.value, at)?.start !== pickerDismissed)
      setPickerDismissed(null);
    change(event.target.value, at);
  };

  // Replaces the typed `/shortcut` (start..end) with the reply, at the cursor.
  const insertAt = (start: number, end: number, inserted: string) => {
    const value = text.slice(0, start) + inserted + text.slice(end);
    const at = start + inserted.length;
    caretAfterInsert.current = at;
    change(value, at);
  };

  const vars = { subscriberName, accountName };
  const insertCanned = (item: Canned) => {
    if (!slash) return;
    const names = placeholdersOf(item.text);
    if (names.length > 0) {
      setFilling({ item, start: slash.start, end: caret, names });
      return;
    }
    insertAt(slash.start, caret, fillVariables(item.text, vars));
  };

  const finishFilling = (values: Record<string, string> | null) => {
    const current = filling;
    setFilling(null);
    if (!current) return;
    if (values === null) {
      textareaRef.current?.focus();
      return;
    }
    insertAt(current.start, current.end, fillVariables(current.item.text, vars, values));
  };

  const send = () => {
    if (inFlight.current) return; // a second Enter while the first is on its way
    const raw = textRef.current;
    const body = raw.trim();
    if (body.length === 0) return;
    const note = mode === 'note';
    if (replyBlocked) return;
    const prev = outgoing.current;
    const current =
      prev && prev.text === body && prev.note === note ? prev : { clientId: crypto.randomUUID(), text: body, note };
    outgoing.current = current;
    inFlight.current = true;
    setSending(true);
    sendReply(conversationId, body, note, current.clientId)
      .then(
        (message) => {
          outgoing.current = null;
          // Only what was sent is cleared: anything typed meanwhile stays.
          if (textRef.current === raw) {
            draftSave.cancel();
            textRef.current = '';
            setText('');
            setCaret(0);
            saveDraft(conversationId, '').catch(() => undefined);
            typing.stopped();
          }
          onSent(message);
        },
        (e: unknown) => onError(t('inbox.composer.sendFailed', { reason: describeError(t, asAppError(e)) })),
      )
      .finally(() => {
        inFlight.current = false;
        setSending(false);
      });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (pickerOpen && matches.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setPickerIndex((activeIndex + step + matches.length) % matches.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const item = matches[activeIndex];
        if (item) insertCanned(item);
        return;
      }
    }
    if (pickerOpen && event.key === 'Escape' && slash) {
      event.preventDefault();
      event.stopPropagation();
      setPickerDismissed(slash.start);
      return;
    }
    if (event.altKey && event.code === 'KeyA' && mode === 'reply') {
      event.preventDefault();
      if (!replyBlocked) void image.attach();
      return;
    }
    if (isSendKey(event, sendKey())) {
      event.preventDefault();
      send();
    }
  };

  return (
    <div className={`ib-composer${mode === 'note' ? ' is-note' : ''}`} data-testid="composer">
      <ComposerHead
        mode={mode}
        onModeChange={onModeChange}
        window={window}
        state={state}
        canAnswer={canAnswer}
        assignedToOther={assignedToOther}
        colleagues={colleagues}
      />
      <div className="ib-composer-box">
        {filling && <PlaceholderForm title={filling.item.title} names={filling.names} onDone={finishFilling} />}
        {pickerOpen && (
          <CannedPicker
            stored={stored}
            matches={matches}
            activeIndex={activeIndex}
            addingStarters={addingStarters}
            vars={vars}
            onAddStarters={() => void addStarters()}
            onPick={insertCanned}
          />
        )}
        <textarea
          ref={textareaRef}
          className="ib-textarea"
          data-testid="composer-input"
          aria-label={mode === 'note' ? t('inbox.composer.notePlaceholder') : t('inbox.composer.replyPlaceholder')}
          placeholder={mode === 'note' ? t('inbox.composer.notePlaceholder') : t('inbox.composer.replyPlaceholder')}
          value={text}
          rows={3}
          onChange={onChange}
          onKeyDown={onKeyDown}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
        />
        <div className="ib-composer-foot">
          <span className="muted ib-composer-hint">
            {t(sendKey() === 'enter' ? 'inbox.composer.hint' : 'inbox.composer.hintModEnter')}
          </span>
          {mode === 'reply' && (
            <button
              type="button"
              className="btn btn-small ib-attach"
              data-testid="composer-attach-image"
              aria-label={t('inbox.composer.attachImage')}
              title={
                replyBlocked && state.reason
                  ? t(state.reason, { defaultValue: state.reason })
                  : t('inbox.composer.attachImage')
              }
              disabled={image.busy || replyBlocked}
              onClick={() => void image.attach()}
            >
              <ImageIcon />
            </button>
          )}
          <button
            type="button"
            className="btn btn-primary"
            data-testid="composer-send"
            disabled={sending || replyBlocked || text.trim().length === 0}
            title={replyBlocked && state.reason ? t(state.reason, { defaultValue: state.reason }) : undefined}
            onClick={send}
          >
            {sending
              ? t('inbox.composer.sending')
              : mode === 'note'
                ? t('inbox.composer.addNote')
                : t('inbox.composer.send')}
          </button>
        </div>
      </div>
    </div>
  );
}
