// Every wait is a condition with a deadline: poll until `check` returns a truthy value, or fail
// with a message saying what was awaited and the last error seen.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntil(what, check, { timeout = 30_000, interval = 250 } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${lastError.message ?? lastError})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail}`);
    }
    await sleep(interval);
  }
}

/** Waits for a Playwright locator to reach `state`, with a message naming what it is. */
export async function waitFor(locator, what, { state = 'visible', timeout = 15_000 } = {}) {
  try {
    await locator.first().waitFor({ state, timeout });
  } catch (error) {
    throw new Error(`timed out after ${timeout} ms waiting for ${what} to be ${state}`, {
      cause: error,
    });
  }
  return locator.first();
}
