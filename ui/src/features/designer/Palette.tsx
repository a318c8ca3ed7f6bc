import { useDraggable } from '@dnd-kit/core';
import { memo, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogEntry } from '../../platform';
import { groupOf, KIND_ICONS, PALETTE_GROUPS } from './catalog';

export function KindIcon({ kind }: { kind: string }) {
  return (
    <svg
      className="dz-kind-icon"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d={KIND_ICONS[kind] ?? 'M5 5h14v14H5z'} />
    </svg>
  );
}

type Props = {
  catalog: CatalogEntry[];
  onAdd: (entry: CatalogEntry) => void;
};

/** The module kinds, searchable and grouped; drag one onto the phone, or Enter to add it after the selection. */
export const Palette = memo(function Palette({ catalog, onAdd }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const needle = query.trim().toLowerCase();
  const groups = useMemo(() => {
    const shown = catalog.filter((entry) => {
      if (needle === '') return true;
      const text =
        `${entry.kind} ${t(`designer.kind.${entry.kind}.name`)} ${t(`designer.kind.${entry.kind}.desc`)}`.toLowerCase();
      return text.includes(needle);
    });
    return PALETTE_GROUPS.map((group) => ({ group, entries: shown.filter((e) => groupOf(e.kind) === group) })).filter(
      (g) => g.entries.length > 0,
    );
  }, [catalog, needle, t]);

  return (
    <section className="dz-palette" aria-labelledby="dz-palette-title" data-testid="palette">
      <h2 id="dz-palette-title" className="dz-panel-title">
        {t('designer.palette.title')}
      </h2>
      <input
        type="search"
        className="dz-search"
        placeholder={t('designer.palette.search')}
        aria-label={t('designer.palette.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      {groups.length === 0 && <p className="muted dz-hint">{t('designer.palette.none')}</p>}
      {groups.map(({ group, entries }) => (
        <div key={group} className="dz-palette-group" role="group" aria-label={t(`designer.palette.group.${group}`)}>
          <h3 className="dz-group-title">{t(`designer.palette.group.${group}`)}</h3>
          <ul className="dz-palette-list">
            {entries.map((entry) => (
              <PaletteItem key={entry.kind} entry={entry} onAdd={onAdd} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
});

const PaletteItem = memo(function PaletteItem({
  entry,
  onAdd,
}: {
  entry: CatalogEntry;
  onAdd: (entry: CatalogEntry) => void;
}) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: `kind:${entry.kind}`,
    data: { type: 'kind', entry },
  });
  const name = t(`designer.kind.${entry.kind}.name`);
  return (
    <li>
      <button
        ref={setNodeRef}
        type="button"
        className={`dz-palette-item${isDragging ? ' is-dragging' : ''}`}
        data-testid="palette-item"
        data-kind={entry.kind}
        {...attributes}
        {...listeners}
        // Enter and click add; Space (dnd-kit's keyboard drag) picks it up.
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            onAdd(entry);
            return;
          }
          listeners?.onKeyDown?.(e);
        }}
        onClick={() => onAdd(entry)}
        aria-roledescription={t('designer.palette.roleDescription')}
        title={t('designer.palette.addHint', { name })}
      >
        <KindIcon kind={entry.kind} />
        <span className="dz-palette-text">
          <span className="dz-palette-name">
            {name}
            {entry.alipay_only && (
              <span className="badge badge-alipay dz-only" title={t('designer.palette.alipayOnlyHint')}>
                {t('designer.palette.alipayOnly')}
              </span>
            )}
          </span>
          <span className="dz-palette-desc">{t(`designer.kind.${entry.kind}.desc`)}</span>
        </span>
      </button>
    </li>
  );
});
