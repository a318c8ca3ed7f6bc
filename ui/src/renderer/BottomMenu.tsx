import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Action, Issue, Menu, SampleSubscriber } from '../shared/model';
import { issueAttr, menuIssuesAt } from './issues';
import { fillAction } from './template';

export interface BottomMenuProps {
  menu: Menu;
  /** A tap on an item with an action, or on a sub-item; `itemId` is the (sub-)item's id, the platform's event key. */
  onAction: (action: Action, label: string, itemId: string) => void;
  /** When given, templates in actions (a URL's `{{subscriber.id}}`) are filled from it. */
  sample?: SampleSubscriber;
  /** Validation issues: the items they name get a red outline and `data-issue`. */
  issues?: Issue[];
}

/** The account's bottom menu: main items; an item with a submenu opens a popup above it. */
export function BottomMenu({ menu, onAction, sample, issues }: BottomMenuProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    if (open === null) return undefined;
    const outside = (e: PointerEvent) => {
      if (ref.current && e.target instanceof Node && !ref.current.contains(e.target)) setOpen(null);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(null);
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  if (menu.items.length === 0) return null;
  const tap = (action: Action, label: string, id: string) => {
    setOpen(null);
    onAction(sample ? fillAction(action, sample) : action, label, id);
  };

  return (
    <nav className="wk-menu" aria-label={t('renderer.menu.label')} ref={ref}>
      {menu.items.map((item, index) => {
        const path = `menu.items.${index}`;
        const own = menuIssuesAt(issues, path);
        const target = item.target;
        const isOpen = open === item.id;
        return (
          <div className="wk-menu-cell" key={item.id || index}>
            <button
              type="button"
              className={`wk-menu-item${own.length > 0 ? ' wk-has-issue' : ''}${isOpen ? ' wk-active' : ''}`}
              data-testid="menu-item"
              data-item-id={item.id}
              data-issue={issueAttr(own)}
              aria-haspopup={target.kind === 'submenu' ? 'menu' : undefined}
              aria-expanded={target.kind === 'submenu' ? isOpen : undefined}
              onClick={() => {
                if (target.kind === 'submenu') setOpen(isOpen ? null : item.id);
                else tap(target.action, item.label, item.id);
              }}
            >
              {target.kind === 'submenu' && (
                <svg className="wk-menu-lines" viewBox="0 0 12 12" aria-hidden="true">
                  <path d="M1 3h10M1 6h10M1 9h10" stroke="currentColor" strokeWidth="1.2" />
                </svg>
              )}
              <span className="wk-menu-label">{item.label}</span>
            </button>
            {target.kind === 'submenu' && isOpen && (
              <ul
                className="wk-submenu"
                role="menu"
                data-testid="submenu"
                aria-label={t('renderer.menu.submenu', { label: item.label })}
              >
                {target.items.map((sub, subIndex) => {
                  const subIssues = menuIssuesAt(issues, `${path}.target.items.${subIndex}`);
                  return (
                    <li key={sub.id || subIndex} role="none">
                      <button
                        type="button"
                        role="menuitem"
                        className={`wk-submenu-item${subIssues.length > 0 ? ' wk-has-issue' : ''}`}
                        data-testid="submenu-item"
                        data-item-id={sub.id}
                        data-issue={issueAttr(subIssues)}
                        onClick={() => tap(sub.action, sub.label, sub.id)}
                      >
                        {sub.label}
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        );
      })}
    </nav>
  );
}
