// Prints one closing line, `browser tests: N passed, N failed`, after Playwright's own report, so
// a log reader (or CI) sees the count in the same words as the unit tests' summary.
export default class SummaryReporter {
  constructor() {
    this.counts = { passed: 0, failed: 0, skipped: 0 };
  }

  onTestEnd(test, result) {
    // Only a test's final attempt counts (retries are off, but stay correct if they are turned on).
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    if (result.status === 'passed') this.counts.passed++;
    else if (result.status === 'skipped') this.counts.skipped++;
    else this.counts.failed++;
  }

  onEnd() {
    const { passed, failed, skipped } = this.counts;
    console.log(`browser tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }

  printsToStdio() {
    return false;
  }
}
