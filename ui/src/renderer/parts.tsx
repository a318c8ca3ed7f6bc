// Small building blocks shared by the modules.
import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Action, LayoutImage } from '../shared/model';
import { useRenderer } from './context';
import { Icon } from './icons';
import { fillUrl, httpsUrl } from './template';

/** A tappable area when there is an action (a button), plain otherwise. Children must be phrasing content. */
export function Tap({
  action,
  label,
  className,
  children,
  testId,
}: {
  action: Action | null;
  label: string;
  className: string;
  children: ReactNode;
  testId?: string;
}) {
  const { act } = useRenderer();
  if (action === null) {
    return (
      <span className={className} data-testid={testId}>
        {children}
      </span>
    );
  }
  return (
    <button
      type="button"
      className={`${className} wk-tap`}
      onClick={() => act(action, label)}
      data-testid={testId}
      data-action={action.type}
    >
      {children}
    </button>
  );
}

export function Chevron() {
  return <Icon name="chevron" className="wk-chevron" />;
}

/**
 * An image by https URL only (templates filled); anything else, a missing URL
 * or a load failure shows a neutral placeholder of the same shape.
 */
export function SafeImage({ image, alt, className }: { image: LayoutImage | null; alt: string; className: string }) {
  const { sample } = useRenderer();
  const { t } = useTranslation();
  const src = image ? httpsUrl(fillUrl(image.url, sample)) : null;
  const [failed, setFailed] = useState<string | null>(null);
  const ratio = image && image.width > 0 && image.height > 0 ? `${image.width} / ${image.height}` : undefined;
  if (src === null || failed === src) {
    return (
      <span
        className={`${className} wk-img-placeholder`}
        role="img"
        aria-label={alt || t('renderer.image.missing')}
        style={{ aspectRatio: ratio }}
      >
        <svg
          className="wk-img-placeholder-icon"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          aria-hidden="true"
        >
          <rect x="3" y="5" width="18" height="14" rx="2" />
          <circle cx="9" cy="10" r="1.5" />
          <path d="M4 18l5-5 4 4 3-3 4 4" />
        </svg>
      </span>
    );
  }
  return (
    <img
      className={`${className} wk-img`}
      src={src}
      alt={alt}
      loading="lazy"
      referrerPolicy="no-referrer"
      style={{ aspectRatio: ratio }}
      onError={() => setFailed(src)}
    />
  );
}

export interface Slide {
  image: LayoutImage | null;
  action: Action | null;
  label: string;
}

/** An image carousel: dots to switch, a swipe (pointer) to move. */
export function Carousel({ slides, className }: { slides: Slide[]; className: string }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(0);
  const startX = useRef<number | null>(null);
  const swiped = useRef(false);
  const count = slides.length;
  if (count === 0) {
    return (
      <div className={`${className} wk-carousel`}>
        <SafeImage image={null} alt={t('renderer.image.missing')} className="wk-carousel-img" />
      </div>
    );
  }
  const current = Math.min(index, count - 1);
  const go = (next: number) => setIndex(((next % count) + count) % count);
  return (
    <div
      className={`${className} wk-carousel`}
      aria-roledescription="carousel"
      onPointerDown={(e) => {
        startX.current = e.clientX;
        swiped.current = false;
      }}
      onPointerUp={(e) => {
        const from = startX.current;
        if (from !== null && Math.abs(e.clientX - from) > 40) {
          go(current + (e.clientX < from ? 1 : -1));
          swiped.current = true;
        }
        startX.current = null;
      }}
      onClickCapture={(e) => {
        // A swipe ends in a click on the slide: it moved the carousel, it is not a tap.
        if (swiped.current) {
          e.stopPropagation();
          swiped.current = false;
        }
      }}
    >
      <div className="wk-carousel-track" style={{ transform: `translateX(-${current * 100}%)` }}>
        {slides.map((slide, i) => (
          <div className="wk-carousel-slide" key={i} aria-hidden={i !== current} data-slide={i}>
            <Tap action={slide.action} label={slide.label} className="wk-carousel-tap">
              <SafeImage image={slide.image} alt={slide.label} className="wk-carousel-img" />
            </Tap>
          </div>
        ))}
      </div>
      {count > 1 && (
        <div className="wk-carousel-dots">
          {slides.map((_, i) => (
            <button
              key={i}
              type="button"
              className={`wk-carousel-dot${i === current ? ' wk-active' : ''}`}
              aria-label={t('renderer.carousel.slide', { n: i + 1, count })}
              aria-current={i === current}
              onClick={() => go(i)}
            />
          ))}
        </div>
      )}
    </div>
  );
}
