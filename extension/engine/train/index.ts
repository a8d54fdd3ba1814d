// Training a GPT with ONNX Runtime: the loop (train), jobs off the main thread (startTrainingJob),
// the graphs it runs, checkpoints, LoRA, and the data pipeline.
export { train, type TrainHooks } from './trainer';
export { lastFolder, bestFolder, prepareRun, type PreparedRun } from './runSetup';
export { startTrainingJob, type TrainingJob, type TrainingJobOptions } from './host';
export { defaultTrainOptions, checkTrainOptions, MODEL_PRESETS, type TrainOptions, type LoraSettings } from './options';
export type { TrainEvent, ProgressEvent, SampleEvent, CheckpointEvent, DoneEvent, ErrorEvent, HostToWorker } from './protocol';
export { buildTrainingGraph, buildLossGraph, emitForwardLoss, causalBias, IGNORE_INDEX, type TrainingGraph, type TrainingGraphOptions } from './trainingGraph';
export { addOptimizerUpdate, stepScalars, stateNames, type OptimizerSettings, type AdamWSettings, type SgdSettings } from './optimizerGraph';
export { StepRunner, type StepResult, type StepRunnerOptions } from './stepRunner';
export { saveCheckpoint, loadCheckpoint, type Checkpoint, type TrainingState, type HistoryPoint } from './checkpoint';
export { loraOverlay, loraTargets, initAdapters, mergeAdapters, LORA_TARGETS } from './lora';
export { learningRateAt, type LearningRateSchedule } from './schedule';
export { BatchSampler, loadTokenStream, splitTrainValidation, validationBatches, type Batch } from './dataset';
export { byteTokenizerJson, BYTE_VOCAB_SIZE } from './byteTokenizer';
