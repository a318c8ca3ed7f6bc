import type { BroadcastDraft, BroadcastDraftEdit } from '../../platform';
import type { BroadcastContent } from './ContentFields';
import { EMPTY_FILTER, audienceOf, filled, localTimeToMillis, type Segment } from './audience';

/** What the composer holds, as a draft keeps it. */
export type ComposerState = {
  content: BroadcastContent;
  segment: boolean;
  filter: Segment;
  later: boolean;
  /** The `<input type="datetime-local">` value of the time to send at. */
  when: string;
};

export const EMPTY_STATE: ComposerState = {
  content: { type: 'text', text: '' },
  segment: false,
  filter: EMPTY_FILTER,
  later: false,
  when: '',
};

/** A new draft's id, made here so each save of it updates the same draft. */
export function newDraftId(): string {
  return `draft-${crypto.randomUUID()}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Milliseconds as an `<input type="datetime-local">` value, in local time. */
export function millisToLocalTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The draft to save for what the composer holds. */
export function draftEdit(id: string, accountId: string, state: ComposerState): BroadcastDraftEdit {
  return {
    id,
    account_id: accountId,
    content: state.content,
    audience: audienceOf(state.segment, state.filter),
    send_at: state.later ? localTimeToMillis(state.when) : null,
  };
}

/** The composer's state for a draft being continued; content it cannot show starts empty. */
export function composerState(draft: BroadcastDraft): ComposerState {
  const content: BroadcastContent =
    draft.content.type === 'text' || draft.content.type === 'article' ? draft.content : EMPTY_STATE.content;
  const segment = draft.audience.kind === 'segment';
  return {
    content,
    segment,
    filter: draft.audience.kind === 'segment' ? filled(draft.audience.filter) : EMPTY_FILTER,
    later: draft.send_at !== null,
    when: draft.send_at !== null ? millisToLocalTime(draft.send_at) : '',
  };
}

/** A line that tells a draft apart in the list: its text or its card's title. */
export function draftSummary(draft: BroadcastDraft): string {
  const content = draft.content;
  if (content.type === 'text') return content.text.trim();
  if (content.type === 'article') return content.title.trim();
  return '';
}
