// The strings the training panel shows. The host fills this table with vscode.l10n.t()
// (extension/train/webviewStrings.ts) and passes it in the boot data; a key missing on either
// side is a type error.
import { t as translate } from '../shared/l10n';

export type TrainingStringKey =
  | 'data' | 'noData' | 'chooseFile' | 'chooseFolder' | 'useSample'
  | 'model' | 'modelPreset' | 'modelCustom' | 'modelContinue' | 'continueNote'
  | 'architecture' | 'architectureGpt2' | 'architectureLlama' | 'architectureLine'
  | 'layers' | 'heads' | 'width' | 'positions'
  | 'tokenizer' | 'tokenizerActive' | 'tokenizerBytes' | 'tokenizerBpe' | 'bpeVocab'
  | 'settings'
  | 'learningRate' | 'learningRateHelp' | 'warmup' | 'warmupHelp' | 'schedule' | 'scheduleHelp' | 'scheduleCosine' | 'scheduleConstant'
  | 'batch' | 'batchHelp' | 'context' | 'contextHelp' | 'length' | 'lengthHelp' | 'unitSteps' | 'unitEpochs'
  | 'weightDecay' | 'weightDecayHelp' | 'clip' | 'clipHelp' | 'seed' | 'seedHelp' | 'validation' | 'validationHelp'
  | 'evalEvery' | 'evalEveryHelp' | 'sampleEvery' | 'sampleEveryHelp' | 'prompt' | 'promptHelp'
  | 'estimate' | 'start' | 'estimateData' | 'estimateModel' | 'estimateRun' | 'estimateChinchilla' | 'estimateMemory' | 'estimateTime' | 'estimateTooBig'
  | 'loraOption' | 'loraNote' | 'loraRank' | 'loraRankHelp' | 'loraAlpha' | 'loraAlphaHelp' | 'loraTargets' | 'loraTargetsHelp' | 'estimateTrainable' | 'estimateAdapter'
  | 'run' | 'status' | 'statusStarting' | 'statusRunning' | 'statusPausing' | 'statusPaused' | 'statusStopping' | 'statusStopped' | 'statusFinished' | 'statusFailed'
  | 'pause' | 'resume' | 'stop' | 'stepLine' | 'speedLine' | 'epochLine'
  | 'lossChart' | 'lossSummary' | 'trainingLoss' | 'validationLoss' | 'logScale' | 'lrChart' | 'lrSummary' | 'gradChart' | 'gradSummary' | 'heatmap' | 'heatmapSummary'
  | 'exportSvg' | 'exportPng'
  | 'samples' | 'noSamples' | 'sampleAt' | 'checkpoints' | 'noCheckpoints' | 'checkpointLine' | 'useInInspectors' | 'compareWithBase' | 'modelCard' | 'exportPyTorch' | 'comparison' | 'nextRun' | 'inUse' | 'parametersColumn' | 'flopsColumn' | 'memoryColumn'
  | 'objective' | 'objectiveText' | 'objectiveSft' | 'objectiveDpo' | 'objectiveTextHelp' | 'objectiveSftHelp' | 'objectiveDpoHelp'
  | 'noSftData' | 'noDpoData' | 'chooseJsonl' | 'useShippedSet' | 'allTokens' | 'allTokensHelp' | 'dpoBeta' | 'dpoBetaHelp' | 'dpoPairs'
  | 'maskSummary' | 'maskInExample' | 'maskIn' | 'maskOutExample' | 'maskOut' | 'maskLabel' | 'maskTokenIn' | 'maskTokenOut'
  | 'sftLossChart' | 'dpoLossChart' | 'heldOutLoss' | 'dpoLossSummary' | 'accuracyChart' | 'trainPairs' | 'heldOutPairs' | 'accuracyAxis' | 'accuracySummary'
  | 'rewardsChart' | 'chosenReward' | 'rejectedReward' | 'rewardMargin' | 'rewardsSummary' | 'klChart' | 'klSummary';

export type TrainingStrings = Readonly<Record<TrainingStringKey, string>>;

export function t(key: TrainingStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
