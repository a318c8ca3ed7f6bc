import { useTranslation } from 'react-i18next';

export type ComingScreen = 'broadcasts';

/** An honest empty state for a screen that is not built yet. */
export function Placeholder({ screen }: { screen: ComingScreen }) {
  const { t } = useTranslation();
  return (
    <section className="empty-state card" data-testid={`placeholder-${screen}`}>
      <div className="empty-mark" aria-hidden="true" />
      <h2>{t(`placeholder.${screen}.title`)}</h2>
      <p>{t(`placeholder.${screen}.body`)}</p>
    </section>
  );
}
