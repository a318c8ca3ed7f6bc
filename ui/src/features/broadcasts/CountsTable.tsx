import { useTranslation } from 'react-i18next';
import type { PlatformCounts } from '../../platform';

export type CountField = Exclude<keyof PlatformCounts, 'platform'>;

/** Each count's column heading. */
const HEADING: Record<CountField, string> = {
  targeted: 'broadcasts.counts.targeted',
  pending: 'broadcasts.counts.pending',
  sent: 'broadcasts.counts.sent',
  skipped_subscriber_cap: 'broadcasts.forecast.subscriberCap',
  skipped_account_cap: 'broadcasts.forecast.accountCap',
  unreachable: 'broadcasts.forecast.unfollowed',
  failed: 'broadcasts.counts.failed',
  cancelled: 'broadcasts.counts.cancelled',
};

type Props = {
  counts: PlatformCounts[];
  columns: readonly CountField[];
  /** Headings that differ from the usual ones (the forecast's "will receive"). */
  headings?: Partial<Record<CountField, string>>;
  /** Each platform's heading is `${testid}-${platform}`, each cell `${testid}-${platform}-${field}`. */
  testid: string;
};

/** One column per platform, one row per count: a forecast, or a broadcast's results. */
export function CountsTable({ counts, columns, headings, testid }: Props) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  return (
    <table className="bc-table">
      <thead>
        <tr>
          <td />
          {counts.map((c) => (
            <th key={c.platform} scope="col" data-testid={`${testid}-${c.platform}`}>
              {t(`broadcasts.platform.${c.platform}`, { defaultValue: c.platform })}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {columns.map((field) => (
          <tr key={field}>
            <th scope="row">{t(headings?.[field] ?? HEADING[field])}</th>
            {counts.map((c) => (
              <td key={c.platform} data-testid={`${testid}-${c.platform}-${field}`}>
                {nf.format(c[field])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
