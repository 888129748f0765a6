// Where the suite finds the repository and keeps what it leaves behind for people to look at.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_DIR = path.resolve(WEB_DIR, '..');

/** Git-ignored: screenshots, server logs, Playwright's failure traces, the shared session. */
export const ARTIFACTS_DIR = path.join(WEB_DIR, 'e2e-artifacts');
export const SCREENSHOTS_DIR = path.join(ARTIFACTS_DIR, 'screenshots');
export const STATE_DIR = path.join(ARTIFACTS_DIR, 'state');
/** The administrator's session cookie, saved by the global setup for every spec to reuse. */
export const ADMIN_STORAGE_STATE = path.join(STATE_DIR, 'admin.json');
