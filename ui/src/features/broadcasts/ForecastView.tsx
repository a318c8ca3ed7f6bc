import { useTranslation } from 'react-i18next';
import type { Forecast } from '../../platform';
import { dateTime } from '../../kit/time';
import { CountsTable, type CountField } from './CountsTable';

const FORECAST_COLUMNS: readonly CountField[] = [
  'targeted',
  'pending',
  'skipped_subscriber_cap',
  'skipped_account_cap',
  'unreachable',
];

/** Who a broadcast would reach now, per platform, and who a cap or an unfollow leaves out. */
export function ForecastView({ forecast }: { forecast: Forecast }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const receive = forecast.counts.reduce((sum, c) => sum + c.pending, 0);
  return (
    <section className="bc-forecast" data-testid="broadcast-forecast" aria-label={t('broadcasts.forecast.title')}>
      <h3>{t('broadcasts.forecast.title')}</h3>
      <p className="bc-forecast-total" data-testid="broadcast-forecast-total">
        {t('broadcasts.forecast.total', { count: receive, n: nf.format(receive) })}
      </p>
      {forecast.counts.length === 0 ? (
        <p>{t('broadcasts.forecast.nobody')}</p>
      ) : (
        <CountsTable
          counts={forecast.counts}
          columns={FORECAST_COLUMNS}
          headings={{ pending: 'broadcasts.forecast.receive' }}
          testid="broadcast-forecast"
        />
      )}
      <p className="bc-hint">
        {t('broadcasts.forecast.period', { at: dateTime(forecast.period_start, i18n.language) })}
      </p>
    </section>
  );
}
