// A tiny sequential test runner: named steps, dependencies between them, a deadline per step,
// and a summary whose last line is "N passed, N failed[, N skipped]".

const color = process.stdout.isTTY
  ? {
      green: (s) => `\x1b[32m${s}\x1b[0m`,
      red: (s) => `\x1b[31m${s}\x1b[0m`,
      dim: (s) => `\x1b[2m${s}\x1b[0m`,
    }
  : { green: (s) => s, red: (s) => s, dim: (s) => s };

export function createRunner({ onFailure } = {}) {
  const results = new Map();

  /**
   * Runs `fn` unless a step it `needs` did not pass (then it is skipped). A step failing or
   * exceeding `timeout` is recorded as failed; `onFailure(name, error)` may save a screenshot.
   */
  async function step(name, fn, { needs = [], timeout = 120_000 } = {}) {
    const missing = needs.filter((dep) => results.get(dep)?.status !== 'passed');
    if (missing.length > 0) {
      results.set(name, { status: 'skipped', reason: `needs: ${missing.join(', ')}` });
      console.log(
        `${color.dim('-')} ${name} ${color.dim(`(skipped: needs ${missing.join(', ')})`)}`,
      );
      return false;
    }
    const started = Date.now();
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`step timed out after ${timeout} ms`)),
            timeout,
          );
        }),
      ]);
      const ms = Date.now() - started;
      results.set(name, { status: 'passed', ms });
      console.log(`${color.green('✓')} ${name} ${color.dim(`(${(ms / 1000).toFixed(1)} s)`)}`);
      return true;
    } catch (error) {
      const ms = Date.now() - started;
      results.set(name, { status: 'failed', ms, error });
      console.log(`${color.red('✗')} ${name} ${color.dim(`(${(ms / 1000).toFixed(1)} s)`)}`);
      console.log(
        `    ${String(error?.stack ?? error)
          .split('\n')
          .slice(0, 6)
          .join('\n    ')}`,
      );
      try {
        await onFailure?.(name, error);
      } catch {
        // a failing screenshot must not hide the real failure
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  function summary() {
    const all = [...results.values()];
    const count = (status) => all.filter((r) => r.status === status).length;
    return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  }

  return { step, summary, results };
}
