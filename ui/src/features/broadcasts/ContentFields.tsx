import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageBody } from '../../platform';
import { TEXT_MAX_CHARS } from './audience';

/** What a broadcast may carry: a text, or an article card (WeChat's mpnews, Alipay's image-text). */
export type BroadcastContent = Extract<MessageBody, { type: 'text' } | { type: 'article' }>;

export const EMPTY_TEXT: BroadcastContent = { type: 'text', text: '' };
const EMPTY_ARTICLE: BroadcastContent = { type: 'article', title: '', description: '', url: '', image_url: '' };

const ARTICLE_FIELDS = [
  ['title', 'broadcasts.composer.articleTitle'],
  ['description', 'broadcasts.composer.articleDescription'],
  ['url', 'broadcasts.composer.articleUrl'],
  ['image_url', 'broadcasts.composer.articleCover'],
] as const;

/** Whether the content has what the platforms need before it can be sent. */
export function contentReady(content: BroadcastContent): boolean {
  return content.type === 'text'
    ? content.text.trim().length > 0
    : content.title.trim().length > 0 && content.url.trim().length > 0;
}

type Props = {
  content: BroadcastContent;
  onChange: (content: BroadcastContent) => void;
};

/** The broadcast's kind and its fields: the message's text, or the card's title, summary, link and cover. */
export function ContentFields({ content, onChange }: Props) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <>
      <fieldset className="bc-kinds">
        <legend>{t('broadcasts.composer.kind')}</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={content.type === 'text'}
            onChange={() => onChange(EMPTY_TEXT)}
            data-testid="broadcast-kind-text"
          />
          {t('broadcasts.composer.text')}
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={content.type === 'article'}
            onChange={() => onChange(EMPTY_ARTICLE)}
            data-testid="broadcast-kind-article"
          />
          {t('broadcasts.composer.article')}
        </label>
        <label className="bc-disabled">
          <input type="radio" name={`${id}-kind`} disabled data-testid="broadcast-kind-image" />
          {t('broadcasts.composer.image')}
        </label>
        <p className="bc-hint">{t('broadcasts.composer.noImage')}</p>
      </fieldset>
      {content.type === 'text' ? (
        <>
          <label htmlFor={`${id}-text`}>{t('broadcasts.composer.message')}</label>
          <textarea
            id={`${id}-text`}
            rows={5}
            value={content.text}
            maxLength={TEXT_MAX_CHARS}
            onChange={(e) => onChange({ type: 'text', text: e.target.value })}
            data-testid="broadcast-text"
          />
          <p className="bc-hint">
            {t('broadcasts.composer.length', { n: [...content.text].length, max: TEXT_MAX_CHARS })}
          </p>
        </>
      ) : (
        ARTICLE_FIELDS.map(([field, label]) => (
          <div key={field} className="bc-field">
            <label htmlFor={`${id}-${field}`}>{t(label)}</label>
            <input
              id={`${id}-${field}`}
              value={content[field]}
              onChange={(e) => onChange({ ...content, [field]: e.target.value })}
              data-testid={`broadcast-article-${field}`}
            />
          </div>
        ))
      )}
    </>
  );
}
