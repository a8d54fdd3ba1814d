// Step 8's efficiency measurements in the training worker, off the caller's thread: speculative
// decoding timed against greedy (it opens two model folders), and the forgetting curves of a
// fine-tuning with and without replay (one fine-tuning per replay ratio, cancellable).

import type { ForgettingCurve, ForgettingEvent, ForgettingOptions } from '../continualLearning/forgetting';
import type { SpeculativeReport, SpeculativeRequest } from '../generate/speculativeRun';
import { runJob, type TrainingJobOptions } from './host';
import type { ForgettingDoneEvent, SpeculativeEvent, TrainEvent } from './protocol';

/** Measures speculative decoding of one prompt in the worker; rejects with the worker's error. */
export async function speculativeInWorker(request: SpeculativeRequest, job: TrainingJobOptions): Promise<SpeculativeReport> {
  const { finished } = runJob({ type: 'speculative', request }, job, (e): e is SpeculativeEvent => e.type === 'speculative-report');
  return (await finished).report;
}

export interface ForgettingJob {
  /** Every finished curve; a cancelled job keeps the curves measured so far. */
  readonly finished: Promise<{ readonly curves: readonly ForgettingCurve[]; readonly cancelled: boolean }>;
  cancel(): void;
}

/** Measures forgetting in the worker; each point and finished curve reaches `onEvent` as it is measured. */
export function startForgettingJob(options: ForgettingOptions, job: TrainingJobOptions & { readonly onForgetting?: (event: ForgettingEvent) => void }): ForgettingJob {
  const onEvent = (event: TrainEvent) => {
    if (event.type === 'forgetting-point' || event.type === 'forgetting-curve') job.onForgetting?.(event);
  };
  const { finished, worker } = runJob({ type: 'forgetting', options }, { ...job, onEvent }, (e): e is ForgettingDoneEvent => e.type === 'forgetting-done');
  return { finished: finished.then(({ curves, cancelled }) => ({ curves, cancelled })), cancel: () => worker.send({ type: 'cancel' }) };
}
