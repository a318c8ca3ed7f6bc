import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { alipayHome, retryAlipayPart, type AlipayPart, type AlipayPartPublish } from '../../platform';

/** How often the parts are read again while the published version's outcome has not arrived. */
export const ALIPAY_HOME_POLL_MS = 1000;
/** Reads at most this many times for one version (the server answers the publish once every part is done). */
const POLL_TRIES = 30;

const ORDER: readonly AlipayPart[] = ['menu', 'extension_areas', 'advert_carousel', 'marketing_slots'];

type Props = {
  accountId: string;
  /** The version this console published last (null: none known); the parts shown are the newest version's. */
  version: number | null;
  canRetry: boolean;
  /** "Import from Alipay": null for readers. */
  onImport: (() => void) | null;
};

/**
 * The designer's line on an Alipay account: per part of the home page (the
 * bottom menu, the extension areas, the advert carousel, the marketing slots)
 * whether Alipay published it, refused it (why, in the staff's language, and
 * Alipay's code) or removed it, with a Retry for a refused or failed part;
 * and "Import from Alipay". Nothing without a connection to Alipay or offline.
 * Each part's words give way in a narrow window; its Retry stays whole.
 */
export function AlipayHomeStatus({ accountId, version, canRetry, onImport }: Props) {
  const { t } = useTranslation();
  const [parts, setParts] = useState<AlipayPartPublish[] | null>(null);
  const [busy, setBusy] = useState<AlipayPart | null>(null);
  const [errors, setErrors] = useState<Partial<Record<AlipayPart, string>>>({});
  // Reading again until the published version's outcome arrives (a layout using no part never gets one).
  const [gaveUpOn, setGaveUpOn] = useState<number | null>(null);

  useEffect(() => {
    // Mounted per account (keyed by it). Read until the published version's outcome is there.
    let live = true;
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      tries += 1;
      alipayHome(accountId).then(
        (found) => {
          if (!live) return;
          setParts(found);
          const arrived = version === null || found.some((p) => p.version >= version);
          if (!arrived && tries < POLL_TRIES) timer = setTimeout(read, ALIPAY_HOME_POLL_MS);
          else if (!arrived) setGaveUpOn(version);
        },
        // Not connected to Alipay, or no server: the designer says nothing of Alipay.
        () => {
          if (live) setParts(null);
        },
      );
    };
    read();
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [accountId, version]);

  if (parts === null) return null;

  const newest = parts.reduce((max, p) => Math.max(max, p.version), -1);
  const shown = ORDER.flatMap((part) => parts.filter((p) => p.part === part && p.version === newest));
  const stale = version !== null && newest < version;
  const waiting = stale && gaveUpOn !== version;

  const retry = (part: AlipayPart) => {
    setBusy(part);
    setErrors((all) => ({ ...all, [part]: undefined }));
    retryAlipayPart(accountId, part).then(
      (next) => {
        setBusy(null);
        setParts((current) => {
          const others = (current ?? []).filter((p) => p.part !== part);
          return next === null ? others : [...others, next];
        });
      },
      (e: unknown) => {
        setBusy(null);
        setErrors((all) => ({ ...all, [part]: describeError(t, asAppError(e)) }));
      },
    );
  };

  const describe = (outcome: AlipayPartPublish) => {
    const name = t(`designer.alipayHome.parts.${outcome.part}`);
    if (outcome.state === 'published') return t('designer.alipayHome.published', { part: name });
    if (outcome.state === 'removed') return t('designer.alipayHome.removed', { part: name });
    const reason = translateIssue(t, { path: '', key: outcome.reason ?? 'alipay.home.refused', params: [] });
    if (outcome.state === 'refused') {
      return outcome.code
        ? t('designer.alipayHome.refused', { part: name, reason, code: outcome.code })
        : t('designer.alipayHome.refusedNoCode', { part: name, reason });
    }
    return t('designer.alipayHome.failed', { part: name, reason });
  };

  return (
    <div className="dz-alipay" data-testid="alipay-home" role="group" aria-label={t('designer.alipayHome.title')}>
      <span className="dz-alipay-title">{t('designer.alipayHome.title')}</span>
      <ul className="dz-alipay-parts" aria-live="polite">
        {waiting && (
          <li className="dz-alipay-part" data-testid="alipay-home-waiting">
            <span className="dz-status-text">{t('designer.alipayHome.waiting')}</span>
          </li>
        )}
        {!stale &&
          shown.map((outcome) => {
            const text = busy === outcome.part ? t('designer.alipayHome.retrying') : describe(outcome);
            const title = outcome.message ? `${describe(outcome)} — ${outcome.message}` : describe(outcome);
            return (
              <li
                key={outcome.part}
                className={`dz-alipay-part dz-alipay-part-${outcome.state}`}
                data-testid={`alipay-part-${outcome.part}`}
                data-state={outcome.state}
                title={title}
              >
                <span className="dz-status-text">{text}</span>
                {(outcome.state === 'refused' || outcome.state === 'failed') && canRetry && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => retry(outcome.part)}
                    disabled={busy !== null}
                    data-testid={`alipay-retry-${outcome.part}`}
                    aria-label={t('designer.alipayHome.retryPart', {
                      part: t(`designer.alipayHome.parts.${outcome.part}`),
                    })}
                  >
                    {t('designer.alipayHome.retry')}
                  </button>
                )}
                {errors[outcome.part] && (
                  <span className="form-error" role="alert" data-testid={`alipay-retry-error-${outcome.part}`}>
                    {errors[outcome.part]}
                  </span>
                )}
              </li>
            );
          })}
      </ul>
      {onImport && (
        <button type="button" className="btn btn-small dz-alipay-import" onClick={onImport} data-testid="alipay-import">
          {t('designer.alipayHome.import')}
        </button>
      )}
    </div>
  );
}
