import type {
  AutoReplyContent,
  AutoReplyRule,
  AutoReplyRuleDraft,
  AutoReplyTrigger,
  MessageBody,
} from '../../platform';

export type TriggerKind = AutoReplyTrigger['kind'];

/** Placeholders a reply's text may use, shown as a hint under the replies. */
export const FIELDS = '{{subscriber.name}}, {{account.name}}';

export function newRule(accountId: string): AutoReplyRuleDraft {
  return {
    id: crypto.randomUUID(),
    account_id: accountId,
    name: '',
    trigger: { kind: 'keyword', keywords: [{ text: '', mode: 'contains' }] },
    priority: 0,
    replies: [{ type: 'text', text: '' }],
    reply_mode: 'all',
    enabled: true,
  };
}

/** A saved rule as the editor writes it: only a draft's fields (the commands refuse the rest). */
export function draftOf(rule: AutoReplyRule): AutoReplyRuleDraft {
  const { id, account_id, name, trigger, priority, replies, reply_mode, enabled } = rule;
  return { id, account_id, name, trigger, priority, replies, reply_mode, enabled };
}

export function triggerOf(kind: TriggerKind): AutoReplyTrigger {
  switch (kind) {
    case 'follow':
      return { kind, scene: null };
    case 'keyword':
      return { kind, keywords: [{ text: '', mode: 'contains' }] };
    case 'menu_click':
      return { kind, key: '' };
    case 'default':
      return { kind, quiet_minutes: 60 };
  }
}

export function emptyReply(type: AutoReplyContent['type']): AutoReplyContent {
  switch (type) {
    case 'text':
      return { type, text: '' };
    case 'image':
      return { type, url: '' };
    case 'article':
      return { type, title: '', description: '', url: '', image_url: '' };
  }
}

export function bodyText(body: MessageBody): string {
  switch (body.type) {
    case 'text':
      return body.text;
    case 'image':
      return body.url;
    case 'article':
      return `${body.title} — ${body.description}`;
    default:
      return '';
  }
}

/**
 * Whether an issue at `path` may be shown: after a save was attempted, or once
 * that very field was touched (left, or chosen with a button). Touching a list
 * (`replies`) shows the list's own issues, not those of each item in it.
 */
export function isVisible(path: string, touched: ReadonlySet<string>, attempted: boolean): boolean {
  return attempted || touched.has(path);
}
