/**
 * A Playwright reporter beside the usual one: the tests of each engine (project) counted, and the skipped ones
 * with their reason (one line per engine, file and reason), in the lines `npm test` reads for its summary.
 */
import { basename } from 'node:path';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { ENGINE_LABELS, type Engine } from './engines.mjs';

type Tally = { passed: number; failed: number; skipped: number };

export default class EngineReporter implements Reporter {
  private readonly tallies = new Map<string, Tally>();
  /** Skipped test titles by `[skipped in Engine] file: reason`. */
  private readonly skipped = new Map<string, string[]>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()?.name ?? '';
    const engine = ENGINE_LABELS[project as Engine] ?? project;
    const tally = this.tallies.get(engine) ?? { passed: 0, failed: 0, skipped: 0 };
    this.tallies.set(engine, tally);
    // A test that will be retried is counted at its last attempt.
    if (result.status !== 'passed' && result.status !== 'skipped' && result.retry < test.retries) return;
    if (result.status === 'passed') tally.passed += 1;
    else if (result.status !== 'skipped') tally.failed += 1;
    else {
      tally.skipped += 1;
      const reason = test.annotations.find((annotation) => annotation.type === 'skip')?.description;
      const key = `[skipped in ${engine}] ${basename(test.location.file)}: ${reason ?? 'no reason given'}`;
      this.skipped.set(key, [...(this.skipped.get(key) ?? []), test.title]);
    }
  }

  onEnd(): void {
    console.log('');
    for (const [line, titles] of [...this.skipped].sort()) {
      console.log(titles.length === 1 ? `${line} (“${titles[0]}”)` : `${line} (${titles.length} tests)`);
    }
    for (const [engine, { passed, failed, skipped }] of this.tallies) {
      console.log(`${engine}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    }
  }

  printsToStdio(): boolean {
    return true;
  }
}
