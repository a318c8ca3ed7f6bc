import { useTranslation } from 'react-i18next';
import { describeError, asAppError } from '../kit/errors';
import { otherLanguage, useChangeLanguage } from '../kit/language';

/** Button that flips between Chinese and English; its label is the other language's name. */
export function LanguageSwitch({ onError }: { onError?: (message: string) => void }) {
  const { t } = useTranslation();
  const changeLanguage = useChangeLanguage();
  const onClick = () => {
    changeLanguage(otherLanguage()).catch((e: unknown) => onError?.(describeError(t, asAppError(e))));
  };
  return (
    <button
      type="button"
      className="btn btn-ghost"
      data-testid="language-switch"
      title={t('languageSwitch.title')}
      onClick={onClick}
    >
      {t('languageSwitch.label')}
    </button>
  );
}
