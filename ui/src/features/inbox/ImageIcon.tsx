/** A picture frame: "attach an image" without relying on an emoji font. */
export function ImageIcon() {
  return (
    <svg className="ib-image-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <rect x="1.75" y="2.75" width="12.5" height="10.5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx="5.5" cy="6.25" r="1.25" fill="currentColor" />
      <path
        d="M2.5 12l3.5-3.5 2.5 2.5 2-2 3 3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
      />
    </svg>
  );
}
