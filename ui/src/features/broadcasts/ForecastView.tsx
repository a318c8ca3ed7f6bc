import { useTranslation } from 'react-i18next';
import type { Forecast } from '../../platform';
import { dateTime } from '../../kit/time';

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
        <table className="bc-table">
          <thead>
            <tr>
              <th scope="col">{t('broadcasts.counts.platform')}</th>
              <th scope="col">{t('broadcasts.counts.targeted')}</th>
              <th scope="col">{t('broadcasts.forecast.receive')}</th>
              <th scope="col">{t('broadcasts.forecast.subscriberCap')}</th>
              <th scope="col">{t('broadcasts.forecast.accountCap')}</th>
              <th scope="col">{t('broadcasts.forecast.unfollowed')}</th>
            </tr>
          </thead>
          <tbody>
            {forecast.counts.map((c) => (
              <tr key={c.platform} data-testid={`broadcast-forecast-${c.platform}`}>
                <th scope="row">{t(`broadcasts.platform.${c.platform}`, { defaultValue: c.platform })}</th>
                <td>{nf.format(c.targeted)}</td>
                <td>{nf.format(c.pending)}</td>
                <td>{nf.format(c.skipped_subscriber_cap)}</td>
                <td>{nf.format(c.skipped_account_cap)}</td>
                <td>{nf.format(c.unreachable)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="bc-hint">
        {t('broadcasts.forecast.period', { at: dateTime(forecast.period_start, i18n.language) })}
      </p>
    </section>
  );
}
