// One entry for every training objective: pretraining and SFT share the language-model loop
// (train), DPO has its own (trainDpo); both take the same options and report the same events.

import { trainDpo } from './instruct/dpoTrainer';
import type { TrainOptions } from './options';
import type { DoneEvent } from './protocol';
import { train, type TrainHooks } from './trainer';

export function runTraining(options: TrainOptions, hooks: TrainHooks = {}): Promise<DoneEvent> {
  return options.objective?.kind === 'dpo' ? trainDpo(options, hooks) : train(options, hooks);
}
