import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { EditorParts } from './RuleEditor';

/** The part of the editor that depends on what the rule answers: keywords, a QR scene, a menu key or a quiet period. */
export function TriggerFields({ draft, edit, shown, invalid, touch }: EditorParts) {
  const { t } = useTranslation();
  const id = useId();
  const trigger = draft.trigger;
  switch (trigger.kind) {
    case 'keyword': {
      const setKeywords = (keywords: typeof trigger.keywords) => edit({ trigger: { ...trigger, keywords } });
      return (
        <fieldset className="field field-group auto-section">
          <legend>{t('automation.keywords')}</legend>
          {trigger.keywords.map((keyword, n) => (
            <div key={n} className="auto-item">
              <div className="auto-line">
                <input
                  className="auto-grow"
                  aria-label={t('automation.keyword', { n: n + 1 })}
                  value={keyword.text}
                  aria-invalid={invalid(`trigger.keywords.${n}`)}
                  onChange={(e) =>
                    setKeywords(trigger.keywords.map((k, i) => (i === n ? { ...k, text: e.target.value } : k)))
                  }
                  onBlur={() => touch(`trigger.keywords.${n}`)}
                  data-testid={`automation-keyword-${n}`}
                />
                <select
                  aria-label={t('automation.trigger.keyword')}
                  value={keyword.mode}
                  onChange={(e) =>
                    setKeywords(
                      trigger.keywords.map((k, i) =>
                        i === n ? { ...k, mode: e.target.value as 'exact' | 'contains' } : k,
                      ),
                    )
                  }
                >
                  <option value="contains">{t('automation.mode.contains')}</option>
                  <option value="exact">{t('automation.mode.exact')}</option>
                </select>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  onClick={() => {
                    touch('trigger.keywords');
                    setKeywords(trigger.keywords.filter((_, i) => i !== n));
                  }}
                >
                  {t('automation.remove')}
                </button>
              </div>
              {shown(`trigger.keywords.${n}`)}
            </div>
          ))}
          {shown('trigger.keywords')}
          <div className="auto-actions">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setKeywords([...trigger.keywords, { text: '', mode: 'contains' }])}
            >
              {t('automation.addKeyword')}
            </button>
          </div>
        </fieldset>
      );
    }
    case 'follow':
      return (
        <div className="field">
          <label htmlFor={`${id}-scene`}>{t('automation.scene')}</label>
          <input
            id={`${id}-scene`}
            value={trigger.scene ?? ''}
            aria-invalid={invalid('trigger.scene')}
            onChange={(e) =>
              edit({ trigger: { kind: 'follow', scene: e.target.value === '' ? null : e.target.value } })
            }
            onBlur={() => touch('trigger.scene')}
          />
          {shown('trigger.scene')}
        </div>
      );
    case 'menu_click':
      return (
        <div className="field">
          <label htmlFor={`${id}-key`}>{t('automation.clickKey')}</label>
          <input
            id={`${id}-key`}
            value={trigger.key}
            aria-invalid={invalid('trigger.key')}
            onChange={(e) => edit({ trigger: { kind: 'menu_click', key: e.target.value } })}
            onBlur={() => touch('trigger.key')}
          />
          {shown('trigger.key')}
        </div>
      );
    case 'default':
      return (
        <div className="field">
          <label htmlFor={`${id}-quiet`}>{t('automation.quietMinutes')}</label>
          <input
            id={`${id}-quiet`}
            type="number"
            value={trigger.quiet_minutes}
            aria-invalid={invalid('trigger.quiet_minutes')}
            onChange={(e) =>
              edit({ trigger: { kind: 'default', quiet_minutes: Math.max(0, Number(e.target.value) || 0) } })
            }
            onBlur={() => touch('trigger.quiet_minutes')}
          />
          {shown('trigger.quiet_minutes')}
        </div>
      );
  }
}
