import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

import type { Language } from '../platform';

/** The UI languages: the core's `Language` type, generated from Rust. */
export type UiLanguage = Language;
export const LANGUAGES: readonly UiLanguage[] = ['zh-CN', 'en'];
export const DEFAULT_LANGUAGE: UiLanguage = 'zh-CN';

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: zhCN },
    en: { translation: en },
  },
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  returnNull: false,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
});

function reflectLanguage(lng: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}
reflectLanguage(i18n.language);
i18n.on('languageChanged', reflectLanguage);

/** The language currently shown, as one the core understands. */
export function currentLanguage(): UiLanguage {
  return isUiLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
}

export default i18n;
