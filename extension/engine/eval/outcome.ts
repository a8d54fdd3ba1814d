// What running one test gives: a verdict, a sentence for the Test Explorer and the figures behind
// it, kept in the results file so that two runs can be compared figure by figure.

export type TestStatus = 'passed' | 'failed' | 'errored';

export type Figure = number | string | boolean | readonly number[] | { readonly [key: string]: Figure };

export interface TestOutcome {
  readonly status: TestStatus;
  readonly message: string;
  readonly figures: { readonly [key: string]: Figure };
}

/** A figure as the messages print it: nats with three decimals. */
export const nats = (x: number) => `${x >= 0 ? '' : '−'}${Math.abs(x).toFixed(3)}`;

export const verdict = (passed: boolean): TestStatus => (passed ? 'passed' : 'failed');
