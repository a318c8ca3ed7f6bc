// Telling staff about new messages: the unread count of their conversations
// (theirs and unassigned ones) in the window title, the tray and the taskbar
// badge, and a desktop notification (which opens the conversation when
// clicked) when one of those gets a new message while the window is in the
// background.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import {
  attention,
  conversationMessages,
  notify,
  onInboxChanged,
  setUnread,
  setWindowTitle,
  type ConversationListItem,
  type MessageBody,
} from '../../platform';

export const APP_TITLE = 'Wicket';
const PREVIEW_MAX = 120;

/** "Wicket (3)", or "Wicket" when nothing is unread. */
export function windowTitle(unread: number): string {
  return unread > 0 ? `${APP_TITLE} (${unread})` : APP_TITLE;
}

/** Conversations whose new messages concern `me`: mine, and those no one has taken. */
export function concernsMe(item: ConversationListItem, me: string): boolean {
  const assignee = item.conversation.assignee;
  return assignee === null || assignee === me;
}

/**
 * The conversations of `next` whose unread count rose since `previous`
 * (a conversation not seen before counts from 0).
 */
export function newlyUnread(
  previous: ReadonlyMap<string, number>,
  next: ConversationListItem[],
  me: string,
): ConversationListItem[] {
  return next.filter((item) => concernsMe(item, me) && item.unread > (previous.get(item.conversation.id) ?? 0));
}

/** What a notification says of a message: its text, never an image or a link. */
export function previewOf(body: MessageBody | undefined, fallback: string): string {
  if (body?.type !== 'text') return fallback;
  const text = body.text.trim();
  return text.length > PREVIEW_MAX ? `${text.slice(0, PREVIEW_MAX - 1)}…` : text;
}

/**
 * Keeps the window title's unread count and notifies of new messages while
 * the window is not focused. Mounted once while someone is signed in.
 */
export function useInboxAlerts(me: string): void {
  const { t } = useTranslation();
  const known = useRef<Map<string, number> | null>(null);
  const translate = useRef(t);
  useEffect(() => {
    translate.current = t;
  });

  useEffect(() => {
    let live = true;
    let running = false;
    let again = false;
    const check = async () => {
      // One reading at a time; a change during it asks for one more.
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          // Only what concerns me and is unread: never the whole inbox.
          const list = await attention();
          if (!live) return;
          const mine = list.filter((item) => concernsMe(item, me));
          const unread = mine.reduce((sum, item) => sum + item.unread, 0);
          void setWindowTitle(windowTitle(unread));
          void setUnread(unread);
          const previous = known.current;
          known.current = new Map(list.map((item) => [item.conversation.id, item.unread]));
          // The first reading only sets the baseline: what was unread before is not news.
          // Paused notifications are the core's to hold back (the tray can pause them too).
          if (previous === null || document.hasFocus()) continue;
          for (const item of newlyUnread(previous, list, me)) await announce(item);
        } while (again && live);
      } catch {
        // The inbox shows its own errors; a missed count is corrected by the next change.
      } finally {
        running = false;
      }
    };
    const announce = async (item: ConversationListItem) => {
      const t = translate.current;
      const fallback = t('inbox.notify.newMessage');
      let body: MessageBody | undefined;
      try {
        const page = await conversationMessages(item.conversation.id, null, 5);
        body = [...page.messages]
          .reverse()
          .find((m) => m.message.direction === 'inbound' && m.message.body.type !== 'event')?.message.body;
      } catch {
        body = undefined;
      }
      await notify(item.subscriber_name || t('inbox.notify.someone'), previewOf(body, fallback), item.conversation.id);
    };
    void check();
    const off = onInboxChanged(() => void check());
    return () => {
      live = false;
      off();
      void setWindowTitle(APP_TITLE);
      void setUnread(0);
    };
  }, [me]);
}
