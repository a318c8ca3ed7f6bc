import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onInboxChanged, segmentCounts, type SegmentFilter } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useQuery } from '../../kit/useQuery';
import { SavedSegments } from './SavedSegments';
import { EMPTY_FILTER, PLATFORMS, dateToMillis, filled, millisToDate, parseTags, type Segment } from './audience';

/** Counting waits for typing to pause this long. */
export const COUNT_DELAY_MS = 200;

type DateField = 'followed_after' | 'followed_before' | 'active_after' | 'active_before';
const DATE_FIELDS: readonly DateField[] = ['followed_after', 'followed_before', 'active_after', 'active_before'];

type Props = {
  accountId: string;
  segment: boolean;
  filter: Segment;
  onChange: (segment: boolean, filter: Segment) => void;
};

/**
 * Who a broadcast goes to: every follower, or a segment (tags, platforms,
 * dates, the reply window), built here or picked from the saved ones, with
 * how many subscribers it holds, counted from the cache (offline too).
 */
export function AudiencePicker({ accountId, segment, filter, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  // The tag boxes as typed; the filter holds them parsed.
  const [anyText, setAnyText] = useState(filter.tags_any.join(', '));
  const [allText, setAllText] = useState(filter.tags_all.join(', '));
  const counted = segment ? filter : EMPTY_FILTER;
  const counts = useQuery(() => segmentCounts(accountId, counted), [accountId, JSON.stringify(counted)], {
    delayMs: COUNT_DELAY_MS,
    reloadOn: onInboxChanged,
  });
  const edit = (patch: Partial<Segment>) => onChange(true, { ...filter, ...patch });
  const pick = (saved: SegmentFilter) => {
    const next = filled(saved);
    setAnyText(next.tags_any.join(', '));
    setAllText(next.tags_all.join(', '));
    onChange(true, next);
  };
  const togglePlatform = (platform: string, on: boolean) =>
    edit({ platforms: on ? [...filter.platforms, platform] : filter.platforms.filter((p) => p !== platform) });

  const rows = counts.data ?? [];
  const subscribers = rows.reduce((sum, c) => sum + c.subscribers, 0);
  const following = rows.reduce((sum, c) => sum + c.following, 0);
  const nf = new Intl.NumberFormat(i18n.language);

  return (
    <fieldset className="bc-audience">
      <legend>{t('broadcasts.audience.title')}</legend>
      <label>
        <input
          type="radio"
          name={`${id}-audience`}
          checked={!segment}
          onChange={() => onChange(false, filter)}
          data-testid="broadcast-audience-all"
        />
        {t('broadcasts.audience.all')}
      </label>
      <label>
        <input
          type="radio"
          name={`${id}-audience`}
          checked={segment}
          onChange={() => onChange(true, filter)}
          data-testid="broadcast-audience-segment"
        />
        {t('broadcasts.audience.segment')}
      </label>
      <SavedSegments accountId={accountId} filter={filter} building={segment} onPick={pick} />
      {segment ? (
        <div className="bc-segment">
          <label htmlFor={`${id}-any`}>{t('broadcasts.audience.tagsAny')}</label>
          <input
            id={`${id}-any`}
            value={anyText}
            placeholder={t('broadcasts.audience.tagsHint')}
            onChange={(e) => {
              setAnyText(e.target.value);
              edit({ tags_any: parseTags(e.target.value) });
            }}
            data-testid="broadcast-tags-any"
          />
          <label htmlFor={`${id}-all`}>{t('broadcasts.audience.tagsAll')}</label>
          <input
            id={`${id}-all`}
            value={allText}
            placeholder={t('broadcasts.audience.tagsHint')}
            onChange={(e) => {
              setAllText(e.target.value);
              edit({ tags_all: parseTags(e.target.value) });
            }}
            data-testid="broadcast-tags-all"
          />
          <div className="bc-row" role="group" aria-label={t('broadcasts.audience.platforms')}>
            <span>{t('broadcasts.audience.platforms')}</span>
            {PLATFORMS.map((platform) => (
              <label key={platform}>
                <input
                  type="checkbox"
                  checked={filter.platforms.includes(platform)}
                  onChange={(e) => togglePlatform(platform, e.target.checked)}
                  data-testid={`broadcast-platform-${platform}`}
                />
                {t(`broadcasts.platform.${platform}`)}
              </label>
            ))}
          </div>
          <div className="bc-dates">
            {DATE_FIELDS.map((field) => (
              <label key={field}>
                {t(`broadcasts.audience.${field}`)}
                <input
                  type="date"
                  value={millisToDate(filter[field])}
                  data-empty={filter[field] === null ? 'true' : 'false'}
                  onChange={(e) => edit({ [field]: dateToMillis(e.target.value) })}
                  data-testid={`broadcast-${field}`}
                />
              </label>
            ))}
          </div>
          <label>
            <input
              type="checkbox"
              checked={filter.wrote_within_reply_window}
              onChange={(e) => edit({ wrote_within_reply_window: e.target.checked })}
              data-testid="broadcast-reply-window"
            />
            {t('broadcasts.audience.replyWindow')}
          </label>
        </div>
      ) : null}
      <p className="bc-count" data-testid="broadcast-segment-count" aria-live="polite">
        {counts.error
          ? describeError(t, asAppError(counts.error))
          : counts.settled
            ? t('broadcasts.audience.count', { subscribers: nf.format(subscribers), following: nf.format(following) })
            : t('broadcasts.audience.counting')}
      </p>
      {rows.length > 1 ? (
        <ul className="bc-count-platforms">
          {rows.map((c) => (
            <li key={c.platform}>
              {t(`broadcasts.platform.${c.platform}`, { defaultValue: c.platform })}:{' '}
              {t('broadcasts.audience.count', {
                subscribers: nf.format(c.subscribers),
                following: nf.format(c.following),
              })}
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
