import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** What the sandbox shows instead of a platform feature it does not have. */
export type SheetContent =
  | { kind: 'call'; phone: string }
  | { kind: 'map'; name: string; latitude: number | null; longitude: number | null }
  | { kind: 'pay'; amount: string; description: string }
  | { kind: 'blocked'; url: string };

/** A phone number as a `tel:` address: digits and the few signs a dialler knows. */
export function telHref(phone: string): string | null {
  const digits = phone.replace(/[\s()-]/g, '');
  return /^\+?[0-9*#,;]{3,32}$/.test(digits) ? `tel:${digits}` : null;
}

/** A small sheet from the bottom of the screen. */
export function Sheet({ content, onClose }: { content: SheetContent; onClose: () => void }) {
  const { t } = useTranslation();
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', escape);
    return () => document.removeEventListener('keydown', escape);
  }, [onClose]);

  let title: string;
  let body: string;
  let extra: ReactNode = null;
  switch (content.kind) {
    case 'call': {
      title = t('subscriber.sheet.callTitle');
      body = content.phone;
      const href = telHref(content.phone);
      if (href)
        extra = (
          <a className="sub-button sub-button-primary" href={href} data-testid="sheet-call">
            {t('subscriber.sheet.call')}
          </a>
        );
      break;
    }
    case 'map':
      title = t('subscriber.sheet.mapTitle');
      body =
        content.latitude !== null && content.longitude !== null
          ? t('subscriber.sheet.mapAt', { name: content.name, lat: content.latitude, lon: content.longitude })
          : t('subscriber.sheet.map', { name: content.name });
      break;
    case 'pay':
      title = t('subscriber.sheet.payTitle');
      body = t('subscriber.sheet.pay', { amount: content.amount, description: content.description });
      break;
    case 'blocked':
      title = t('subscriber.sheet.blockedTitle');
      body = t('subscriber.sheet.blocked', { url: content.url });
      break;
  }

  return (
    <div className="sub-sheet-backdrop" onClick={onClose}>
      <div
        className="sub-sheet"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid="sandbox-sheet"
        data-kind={content.kind}
        onClick={(e) => e.stopPropagation()}
      >
        <h2 className="sub-sheet-title">{title}</h2>
        <p className="sub-sheet-body">{body}</p>
        {content.kind !== 'blocked' && <p className="sub-sheet-note">{t('subscriber.sheet.sandbox')}</p>}
        <div className="sub-sheet-actions">
          {extra}
          <button type="button" className="sub-button" ref={closeRef} onClick={onClose} data-testid="sheet-close">
            {t('subscriber.sheet.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
