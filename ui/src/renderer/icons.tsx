// The renderer's icon set for entry grids: simple line drawings on a 24px grid.
// An unknown icon name shows the label's first character instead.
import type { ReactNode } from 'react';

const PATHS: Readonly<Record<string, ReactNode>> = {
  card: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="M3 10h18M7 15h4" />
    </>
  ),
  pay: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M9 8l3 4 3-4M8.5 13h7M8.5 16h7M12 12v6" />
    </>
  ),
  bill: (
    <>
      <path d="M6 3h12v18l-3-2-3 2-3-2-3 2z" />
      <path d="M9 8h6M9 12h6" />
    </>
  ),
  points: <path d="M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1-5.4-2.9-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z" />,
  installment: (
    <>
      <rect x="4" y="4" width="16" height="16" rx="2" />
      <path d="M4 9h16M9 4v16" />
    </>
  ),
  chat: <path d="M4 5h16v11H9l-5 4z" />,
  checkin: (
    <>
      <rect x="5" y="3" width="14" height="18" rx="2" />
      <path d="M9 12l2 2 4-4" />
    </>
  ),
  flight: <path d="M2 14l8-2V5a2 2 0 014 0v7l8 2v2l-8-1v4l2 2H10l2-2v-4l-8 1z" />,
  ticket: (
    <>
      <path d="M3 7h18v3a2 2 0 000 4v3H3v-3a2 2 0 000-4z" />
      <path d="M14 7v10" />
    </>
  ),
  order: (
    <>
      <rect x="5" y="3" width="14" height="18" rx="2" />
      <path d="M9 8h6M9 12h6M9 16h4" />
    </>
  ),
  delivery: (
    <>
      <path d="M3 6h11v10H3zM14 10h4l3 3v3h-7" />
      <circle cx="7" cy="17" r="2" />
      <circle cx="17" cy="17" r="2" />
    </>
  ),
  coupon: (
    <>
      <path d="M3 6h18v4a2 2 0 000 4v4H3v-4a2 2 0 000-4z" />
      <path d="M9 9l6 6M9.5 14.5h0M14.5 9.5h0" />
    </>
  ),
  store: (
    <>
      <path d="M4 9l2-5h12l2 5M4 9v11h16V9M4 9h16" />
      <path d="M10 20v-5h4v5" />
    </>
  ),
  shop: (
    <>
      <path d="M5 8h14l-1 12H6z" />
      <path d="M9 8a3 3 0 016 0" />
    </>
  ),
  search: (
    <>
      <circle cx="11" cy="11" r="6" />
      <path d="M16 16l4 4" />
    </>
  ),
  phone: <path d="M6 3h4l2 5-3 2a11 11 0 005 5l2-3 5 2v4a2 2 0 01-2 2A17 17 0 014 5a2 2 0 012-2z" />,
  map: (
    <>
      <path d="M12 21s-6-6-6-11a6 6 0 0112 0c0 5-6 11-6 11z" />
      <circle cx="12" cy="10" r="2" />
    </>
  ),
  gift: (
    <>
      <rect x="4" y="9" width="16" height="11" />
      <path d="M3 9h18M12 9v11M12 9c-2-4-6-4-6-1s6 1 6 1 6 2 6-1-4-3-6 1" />
    </>
  ),
  user: (
    <>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21a8 8 0 0116 0" />
    </>
  ),
  home: <path d="M3 11l9-7 9 7v9h-6v-6H9v6H3z" />,
  notice: <path d="M4 10v4h3l5 4V6L7 10zM16 9a4 4 0 010 6" />,
  chevron: <path d="M9 6l6 6-6 6" />,
  back: <path d="M15 6l-6 6 6 6" />,
};

/** Whether the icon set has a drawing of this name. */
export function hasIcon(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(PATHS, name);
}

/** An icon of the set, or the fallback text when the name is unknown. */
export function Icon({
  name,
  fallback = '',
  className = 'wk-icon',
}: {
  name: string;
  fallback?: string;
  className?: string;
}) {
  if (!hasIcon(name)) {
    return (
      <span className={`${className} wk-icon-letter`} aria-hidden="true">
        {Array.from(fallback.trim())[0] ?? '·'}
      </span>
    );
  }
  return (
    <svg
      className={className}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      data-icon={name}
    >
      {PATHS[name]}
    </svg>
  );
}
