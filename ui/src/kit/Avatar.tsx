/** A round badge in the account's colour with the first character of its name. */
export function Avatar({ name, color, size = 'md' }: { name: string; color: string; size?: 'md' | 'lg' }) {
  const first = Array.from(name.trim())[0] ?? '';
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ backgroundColor: color }}
      aria-hidden="true"
      data-testid="account-avatar"
    >
      {first.toUpperCase()}
    </span>
  );
}
