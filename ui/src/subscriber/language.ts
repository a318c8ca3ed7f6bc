import type { UiLanguage } from '../i18n';

/** The browser's language as one of ours: any Chinese is Chinese, anything else English. */
export function languageFor(navigatorLanguage: string | undefined): UiLanguage {
  return (navigatorLanguage ?? '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
