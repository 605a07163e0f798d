// Prints one closing line, `browser tests: N passed, N failed`, after Playwright's own report, so
// a log reader (or CI) sees the count in the same words as the unit tests' summary; before it, the
// slowest tests and the suite's wall time, so a slow spec shows in every log.
import { relative } from 'node:path';

/** How many of the slowest tests are listed. */
const SLOWEST = 10;

export default class SummaryReporter {
  constructor() {
    this.counts = { passed: 0, failed: 0, skipped: 0 };
    this.durations = [];
    this.rootDir = process.cwd();
  }

  onBegin(config) {
    this.rootDir = config.rootDir ?? this.rootDir;
  }

  onTestEnd(test, result) {
    // Only a test's final attempt counts (retries are off, but stay correct if they are turned on).
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    if (result.status === 'passed') this.counts.passed++;
    else if (result.status === 'skipped') this.counts.skipped++;
    else this.counts.failed++;
    const where = `${relative(this.rootDir, test.location.file)}:${test.location.line}`;
    this.durations.push({ ms: result.duration, name: `${where} ${test.title}` });
  }

  onEnd(result) {
    const slowest = [...this.durations].sort((a, b) => b.ms - a.ms).slice(0, SLOWEST);
    if (slowest.length > 0) {
      console.log(`slowest browser tests (wall time ${(result.duration / 1000).toFixed(1)} s):`);
      for (const { ms, name } of slowest) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name.length > 150 ? `${name.slice(0, 149)}…` : name}`);
    }
    const { passed, failed, skipped } = this.counts;
    console.log(`browser tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }

  printsToStdio() {
    return false;
  }
}
