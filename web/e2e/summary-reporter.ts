// Ends the run with the one line CI reads: "N passed, N failed[, N skipped]", counting every
// test once by its final outcome (a flaky pass counts as failed: the suite must not flake).
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private readonly outcomes = new Map<TestCase, 'passed' | 'failed' | 'skipped'>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const outcome = test.outcome();
    this.outcomes.set(
      test,
      outcome === 'expected' && result.status !== 'skipped'
        ? 'passed'
        : outcome === 'skipped'
          ? 'skipped'
          : outcome === 'expected'
            ? 'skipped'
            : 'failed',
    );
  }

  onEnd(result: FullResult): void {
    const count = (what: string) => [...this.outcomes.values()].filter((o) => o === what).length;
    // A failure outside any test (the global setup, a timeout of the whole run) is a failure too.
    const failed = count('failed') + (result.status !== 'passed' && count('failed') === 0 ? 1 : 0);
    const skipped = count('skipped');
    console.log(
      `\nScreenshots, server logs and failure traces: web/e2e-artifacts/ · ${(result.duration / 1000).toFixed(1)} s`,
    );
    console.log(
      `${count('passed')} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
    );
  }

  printsToStdio(): boolean {
    return false;
  }
}
