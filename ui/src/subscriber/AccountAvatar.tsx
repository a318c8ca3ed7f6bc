/** The account's round badge: its colour with the first character of its name. */
export function AccountAvatar({ name, color, size = 'md' }: { name: string; color: string; size?: 'sm' | 'md' }) {
  const first = Array.from(name.trim())[0] ?? '';
  const safeColor = /^#[0-9a-f]{3,8}$/i.test(color) ? color : '#8a919f';
  return (
    <span
      className={`sub-avatar sub-avatar-${size}`}
      style={{ backgroundColor: safeColor }}
      aria-hidden="true"
      data-testid="account-avatar"
    >
      {first.toUpperCase()}
    </span>
  );
}
