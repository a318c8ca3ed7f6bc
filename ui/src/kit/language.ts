import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { setLanguage, type Language } from '../platform';
import { currentLanguage } from '../i18n';

/** Shows `lng` at once, then asks the core to remember it. Throws if remembering failed. */
export function useChangeLanguage(): (lng: Language) => Promise<void> {
  const { i18n } = useTranslation();
  return useCallback(
    async (lng: Language) => {
      await i18n.changeLanguage(lng);
      await setLanguage(lng);
    },
    [i18n],
  );
}

/** The language a switch button moves to. */
export function otherLanguage(): Language {
  return currentLanguage() === 'zh-CN' ? 'en' : 'zh-CN';
}
