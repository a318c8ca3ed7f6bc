import { useTranslation } from 'react-i18next';
import type { SampleSubscriber } from '../../shared/model';

const SAMPLE_FIELDS: (keyof SampleSubscriber)[] = [
  'name',
  'level',
  'card_masked_number',
  'statement_amount',
  'statement_due_date',
  'points_balance',
  'coupons_count',
  'order_latest_status',
];

/** The sample subscriber the phone fills `{{fields}}` from. */
export function SampleEditor({
  sample,
  onChange,
}: {
  sample: SampleSubscriber;
  onChange: (sample: SampleSubscriber) => void;
}) {
  const { t } = useTranslation();
  return (
    <details className="dz-sample">
      <summary>{t('designer.sample.title')}</summary>
      <p className="muted dz-hint">{t('designer.sample.hint')}</p>
      {SAMPLE_FIELDS.map((key) => (
        <div className="field dz-field" key={key}>
          <label htmlFor={`dz-sample-${key}`}>{t(`designer.sample.${key}`)}</label>
          <input
            id={`dz-sample-${key}`}
            type="text"
            value={sample[key]}
            onChange={(e) => onChange({ ...sample, [key]: e.target.value })}
          />
        </div>
      ))}
    </details>
  );
}
