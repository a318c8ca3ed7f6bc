import { useTranslation } from 'react-i18next';
import type { Page } from '../../shared/model';
import { DEVICES, type DeviceId, type PhoneView } from './Canvas';

type Props = {
  pages: Page[];
  page: string | null;
  device: DeviceId;
  view: PhoneView;
  onPage: (page: string | null) => void;
  onDevice: (device: DeviceId) => void;
  onView: (view: PhoneView) => void;
};

/** Above the phone: which page, which device size, the function view or the chat. */
export function CanvasBar({ pages, page, device, view, onPage, onDevice, onView }: Props) {
  const { t } = useTranslation();
  return (
    <div className="dz-canvas-bar">
      <label>
        <span className="visually-hidden">{t('designer.canvas.page')}</span>
        <select
          value={page ?? ''}
          onChange={(e) => onPage(e.target.value === '' ? null : e.target.value)}
          data-testid="page-picker"
        >
          <option value="">{t('designer.canvas.home')}</option>
          {pages.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title || p.id}
            </option>
          ))}
        </select>
      </label>
      <div className="dz-segmented" role="radiogroup" aria-label={t('designer.canvas.device')}>
        {(Object.keys(DEVICES) as DeviceId[]).map((d) => (
          <label key={d} className={device === d ? 'is-on' : ''}>
            <input
              type="radio"
              name="dz-device"
              checked={device === d}
              onChange={() => onDevice(d)}
              data-testid={`device-${d}`}
            />
            {t(`designer.canvas.${d}`, { w: DEVICES[d].width, h: DEVICES[d].height })}
          </label>
        ))}
      </div>
      <div className="dz-segmented" role="radiogroup" aria-label={t('designer.canvas.view')}>
        {(['function', 'chat'] as const).map((v) => (
          <label key={v} className={view === v ? 'is-on' : ''}>
            <input
              type="radio"
              name="dz-view"
              checked={view === v}
              onChange={() => onView(v)}
              data-testid={`view-${v}`}
            />
            {t(`designer.canvas.${v}`)}
          </label>
        ))}
      </div>
    </div>
  );
}
