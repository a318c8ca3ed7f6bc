import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { AutoReplyContent } from '../../platform';
import type { EditorParts } from './RuleEditor';
import { emptyReply, FIELDS } from './rules';

const ARTICLE_FIELDS = [
  ['title', 'automation.articleTitle'],
  ['description', 'automation.articleDescription'],
  ['url', 'automation.articleUrl'],
  ['image_url', 'automation.articleImage'],
] as const;

const ADD_LABEL = {
  text: 'automation.addText',
  image: 'automation.addImage',
  article: 'automation.addArticle',
} as const;

/** The replies a rule sends (text, image, article card) and whether it sends all of them or one at random. */
export function ReplyFields({ draft, edit, shown, invalid, touch }: EditorParts) {
  const { t } = useTranslation();
  const id = useId();
  const setReply = (n: number, reply: AutoReplyContent) =>
    edit({ replies: draft.replies.map((r, i) => (i === n ? reply : r)) });
  const input = (n: number, field: string, label: string, value: string, set: (value: string) => void) => (
    <input
      key={field}
      aria-label={label}
      value={value}
      aria-invalid={invalid(`replies.${n}.${field}`)}
      onChange={(e) => set(e.target.value)}
      onBlur={() => touch(`replies.${n}.${field}`)}
    />
  );
  return (
    <fieldset className="field field-group auto-section">
      <legend>{t('automation.replies')}</legend>
      <p className="field-hint muted">
        {t('automation.fields', { fields: FIELDS, interpolation: { escapeValue: false } })}
      </p>
      {draft.replies.map((reply, n) => (
        <div key={n} className="field auto-reply">
          <div className="auto-reply-head">
            <span className="auto-reply-kind">{t(`automation.kind.${reply.type}`)}</span>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                touch('replies');
                edit({ replies: draft.replies.filter((_, i) => i !== n) });
              }}
            >
              {t('automation.remove')}
            </button>
          </div>
          {reply.type === 'text' ? (
            <textarea
              aria-label={t('automation.text')}
              value={reply.text}
              aria-invalid={invalid(`replies.${n}.text`)}
              onChange={(e) => setReply(n, { type: 'text', text: e.target.value })}
              onBlur={() => touch(`replies.${n}.text`)}
              data-testid={`automation-reply-text-${n}`}
            />
          ) : null}
          {reply.type === 'image'
            ? input(n, 'url', t('automation.imageUrl'), reply.url, (url) => setReply(n, { type: 'image', url }))
            : null}
          {reply.type === 'article'
            ? ARTICLE_FIELDS.map(([field, label]) =>
                input(n, field, t(label), reply[field], (value) => setReply(n, { ...reply, [field]: value })),
              )
            : null}
          {['text', 'url', 'type', 'title', 'description', 'image_url'].map((field) => shown(`replies.${n}.${field}`))}
        </div>
      ))}
      {shown('replies')}
      <div className="auto-actions">
        {(['text', 'image', 'article'] as const).map((type) => (
          <button
            key={type}
            type="button"
            className="btn btn-small"
            onClick={() => {
              // Choosing a kind is a decision: what the platform says about it shows at once.
              touch(`replies.${draft.replies.length}.type`);
              touch('replies');
              edit({ replies: [...draft.replies, emptyReply(type)] });
            }}
          >
            {t(ADD_LABEL[type])}
          </button>
        ))}
      </div>
      <div className="field auto-mode">
        <label htmlFor={`${id}-mode`}>{t('automation.replyMode.label')}</label>
        <select
          id={`${id}-mode`}
          value={draft.reply_mode}
          onChange={(e) => edit({ reply_mode: e.target.value as 'all' | 'random' })}
        >
          <option value="all">{t('automation.replyMode.all')}</option>
          <option value="random">{t('automation.replyMode.random')}</option>
        </select>
      </div>
    </fieldset>
  );
}
