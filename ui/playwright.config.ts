import { defineConfig } from '@playwright/test';

// The subscriber web app in Debian's Chromium (never a downloaded browser),
// against a real wicket-server that global-setup.ts starts on loopback.
export default defineConfig({
  testDir: './e2e-web',
  outputDir: './test-results/playwright',
  globalSetup: './e2e-web/global-setup.ts',
  globalTeardown: './e2e-web/global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'zh-CN',
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
    isMobile: false,
    hasTouch: false,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
