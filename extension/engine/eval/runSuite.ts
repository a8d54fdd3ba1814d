// Runs a suite's tests one after another against one model. A test that throws (a prompt longer
// than the context, a missing document) is reported as errored with the reason; the others still
// run. Cancelling stops before the next test. The suite's multiple-choice accuracy comes with a
// Wilson 95% interval and the accuracy chance would give.

import { runBias } from './biasTest';
import { runChoice } from './choiceTest';
import type { EvalModel } from './evalModel';
import { runExpect } from './expectTest';
import { runGrounding } from './groundingTest';
import { runInjection, type SuitePlace } from './injectionTest';
import { type Interval, wilsonInterval } from './intervals';
import type { TestOutcome } from './outcome';
import type { Suite, SuiteTest } from './suiteFile';

export interface TestResult extends TestOutcome {
  readonly name: string;
  readonly kind: SuiteTest['kind'];
  readonly durationMs: number;
}

export interface ChoiceAccuracy {
  readonly correct: number;
  readonly total: number;
  readonly accuracy: number;
  readonly interval: Interval;
  /** Expected accuracy of picking uniformly at random: mean of 1 / choices. */
  readonly chance: number;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Only the tests with these names (all when absent). */
  readonly only?: ReadonlySet<string>;
  readonly onStart?: (test: SuiteTest) => void;
  readonly onResult?: (result: TestResult) => void;
}

/** One test's outcome; a test that throws is errored, with the reason as its message. */
export async function runTest(lm: EvalModel, test: SuiteTest, place: SuitePlace): Promise<TestOutcome> {
  try {
    return await scoreTest(lm, test, place);
  } catch (error) {
    return { status: 'errored', message: (error as Error).message, figures: {} };
  }
}

function scoreTest(lm: EvalModel, test: SuiteTest, place: SuitePlace): Promise<TestOutcome> {
  switch (test.kind) {
    case 'expect':
      return runExpect(lm, test);
    case 'choice':
      return runChoice(lm, test);
    case 'bias':
      return runBias(lm, test);
    case 'injection':
      return runInjection(lm, test, place);
    case 'grounding':
      return runGrounding(lm, test, place);
  }
}

export async function runSuite(lm: EvalModel, suite: Suite, place: SuitePlace, options: RunOptions = {}): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of suite.tests) {
    if (options.only && !options.only.has(test.name)) continue;
    options.signal?.throwIfAborted();
    options.onStart?.(test);
    const began = performance.now();
    const outcome = await runTest(lm, test, place);
    const result: TestResult = { name: test.name, kind: test.kind, durationMs: performance.now() - began, ...outcome };
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

/** Accuracy of the suite's choice tests that ran (errored ones excluded), or undefined when none did. */
export function choiceAccuracy(suite: Suite, results: readonly TestResult[]): ChoiceAccuracy | undefined {
  const choices = new Map(suite.tests.filter((t) => t.kind === 'choice').map((t) => [t.name, t.choices.length]));
  const scored = results.filter((r) => r.kind === 'choice' && r.status !== 'errored');
  if (scored.length === 0) return undefined;
  const correct = scored.filter((r) => r.status === 'passed').length;
  const chance = scored.reduce((sum, r) => sum + 1 / (choices.get(r.name) ?? 1), 0) / scored.length;
  return { correct, total: scored.length, accuracy: correct / scored.length, interval: wilsonInterval(correct, scored.length), chance };
}
