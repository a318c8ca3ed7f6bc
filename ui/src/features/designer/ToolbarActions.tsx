import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface ToolbarAction {
  /** Also the inline button's test id; its menu item's is `${id}-menu`. */
  id: string;
  label: string;
  onClick: () => void;
  disabled?: boolean;
  /** A toggle's state: aria-expanded on the button, a checked menu item. */
  expanded?: boolean;
}

/**
 * The toolbar's less frequent commands: buttons where the toolbar has room,
 * one "More" menu where it has not. The stylesheet picks between them by the
 * toolbar's own width, so the toolbar never wraps onto a second line.
 */
export function ToolbarActions({ actions }: { actions: ToolbarAction[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return undefined;
    menuRef.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target instanceof Node ? event.target : null;
      if (target && !menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key === 'Tab') {
      setOpen(false);
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    event.stopPropagation();
    const items = Array.from(menuRef.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? []);
    if (items.length === 0) return;
    const at = items.findIndex((item) => item === document.activeElement);
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? items.length - 1
          : (at + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
    items[next]?.focus();
  };

  return (
    <>
      <span className="dz-actions-inline">
        {actions.map((action) => (
          <button
            key={action.id}
            type="button"
            className="btn btn-ghost btn-small"
            onClick={action.onClick}
            disabled={action.disabled}
            aria-expanded={action.expanded}
            data-testid={action.id}
          >
            {action.label}
          </button>
        ))}
      </span>
      <span className="dz-actions-more">
        <button
          ref={buttonRef}
          type="button"
          className="btn btn-ghost btn-small"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-controls={open ? menuId : undefined}
          data-testid="toolbar-more"
          onClick={() => setOpen((o) => !o)}
        >
          {t('designer.more')}
          <span aria-hidden="true"> ▾</span>
        </button>
        {open && (
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-label={t('designer.more')}
            className="dz-actions-menu"
            onKeyDown={onMenuKeyDown}
          >
            {actions.map((action) => (
              <button
                key={action.id}
                type="button"
                role={action.expanded === undefined ? 'menuitem' : 'menuitemcheckbox'}
                aria-checked={action.expanded}
                disabled={action.disabled}
                data-testid={`${action.id}-menu`}
                onClick={() => {
                  close();
                  action.onClick();
                }}
              >
                {action.label}
              </button>
            ))}
          </div>
        )}
      </span>
    </>
  );
}
