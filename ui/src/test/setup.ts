import { afterEach, beforeEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';
import i18n from '../i18n';

// `findBy…` and `waitFor` give up after 1 s by default; on a busy two-core CI
// machine a screen that pages several times can take longer. Waiting longer
// never makes a wrong screen pass: the assertions are the same. (Under
// vitest's own 5 s per test, so a miss still shows what was on screen.)
configure({ asyncUtilTimeout: 4_000 });

beforeEach(async () => {
  await i18n.changeLanguage('zh-CN');
});

afterEach(() => {
  cleanup();
});
