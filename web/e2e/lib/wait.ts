// Every wait is a condition with a deadline: poll until `check` returns a truthy value, or fail
// saying what was awaited and the last error seen. (Specs use Playwright's `expect.poll` and
// web-first assertions; this is for the setup code that runs outside a test.)
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeout = 30_000, interval = 250 }: { timeout?: number; interval?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail}`);
    }
    await sleep(interval);
  }
}
