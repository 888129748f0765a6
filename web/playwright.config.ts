// The browser suite: one spec file per journey (e2e/specs), run against a real `kubarr serve`
// and the test cluster, in Debian's Chromium — never a downloaded browser.
//
//   npm run e2e                      every journey (after `npm run build`)
//   npm run e2e -- logs              one journey
//   E2E_HEADED=1 npm run e2e         watch it (needs a display)
//
// The journeys share one server and one cluster, so they run one at a time (workers: 1; the
// machine is small too), but none depends on another: each arranges what it needs — its own
// app, its own users — and removes it afterwards, so any file runs alone or in any order.
import { defineConfig } from '@playwright/test';

const headed = process.env.E2E_HEADED === '1';

export default defineConfig({
  testDir: './e2e/specs',
  globalSetup: './e2e/global-setup.ts',
  outputDir: './e2e-artifacts/test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  // A journey that installs an app waits for its pods; nothing waits without a deadline.
  timeout: 5 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['./e2e/summary-reporter.ts']],
  use: {
    viewport: { width: 1280, height: 860 },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: !headed,
      args: [
        ...(headed ? [] : ['--headless']),
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
      ],
    },
  },
});
