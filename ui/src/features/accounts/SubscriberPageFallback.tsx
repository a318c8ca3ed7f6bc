import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError } from '../../platform';
import { Dialog } from '../../kit/Dialog';

/** The issue the core sends when no browser opened for the subscriber page. */
export const NO_BROWSER = 'account.subscriber_page.no_browser';

/** The page's address when opening it failed because no browser opened. */
export function addressNotOpened(error: AppError): string | null {
  const issue = error.issues.find((i) => i.key === NO_BROWSER);
  return issue?.params.find(([name]) => name === 'url')?.[1] ?? null;
}

/** No browser opened: the address, selectable, and a button that copies it. */
export function SubscriberPageFallback({ url, onClose }: { url: string; onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  const onCopy = () => {
    field.current?.select();
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      setCopy('failed');
      return;
    }
    clipboard.writeText(url).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };

  return (
    <Dialog labelledBy={`${id}-title`} onClose={onClose} testId="subscriber-page-fallback">
      <header className="dialog-header dialog-header-stacked">
        <h2 id={`${id}-title`}>{t('accounts.pageFallback.title')}</h2>
        <p className="muted">{t('accounts.pageFallback.body')}</p>
      </header>
      <div className="dialog-body">
        <div className="field">
          <label htmlFor={`${id}-url`}>{t('accounts.pageFallback.address')}</label>
          <input
            id={`${id}-url`}
            ref={field}
            readOnly
            value={url}
            dir="ltr"
            data-testid="subscriber-page-url"
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
        <p
          className={copy === 'failed' ? 'form-error' : 'muted'}
          role="status"
          data-testid="subscriber-page-copy-state"
        >
          {copy === 'copied'
            ? t('accounts.pageFallback.copied')
            : copy === 'failed'
              ? t('accounts.pageFallback.copyFailed')
              : ''}
        </p>
      </div>
      <footer className="dialog-footer">
        <button type="button" className="btn" onClick={onClose}>
          {t('accounts.pageFallback.close')}
        </button>
        <button type="button" className="btn btn-primary" onClick={onCopy} data-testid="subscriber-page-copy">
          {t('accounts.pageFallback.copy')}
        </button>
      </footer>
    </Dialog>
  );
}
