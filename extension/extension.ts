// First: its clock starts when the bundle begins to run (extension/activationClock.ts).
import { noteModulesLoaded, startActivationClock, type ActivationTiming } from './activationClock';
import type * as vscode from 'vscode';
import { registerAttention, type AttentionTestApi } from './attention/registerAttention';
import { registerCalculator } from './calculator/registerCalculator';
import { registerDecoding } from './decoding/registerDecoding';
import { registerEval, type EvalTestApi } from './eval/registerEval';
import { registerHub } from './hub/registerHub';
import { log } from './log';
import { activeModel } from './model/activeModel';
import { registerRuntimeBackend, type RuntimeBackendTestApi } from './model/runtimeBackend';
import { panelTestHooks, type PanelTestHooks } from './panels/panelTestHooks';
import { registerLora } from './lora/registerLora';
import { registerQuantization } from './quantization/registerQuantization';
import { registerRag, type RagTestApi } from './rag/registerRag';
import { registerScalingSweep, stopSweepOnShutdown, type ScalingSweepTestApi } from './scalingSweep/registerScalingSweep';
import { registerForgetting } from './forgetting/registerForgetting';
import { registerSpeculative } from './speculative/registerSpeculative';
import { registerServe, type ApiServerTestApi } from './serve/registerServe';
import { registerTokenizer, type TokenizerTestApi } from './tokenizer/registerTokenizer';
import { registerTraining, stopTrainingOnShutdown, type TrainingTestApi } from './train/registerTraining';
import { registerWalkthrough } from './walkthrough/register';

noteModulesLoaded();

/** What activate() returns: read by the integration tests only (test/integration). */
export interface ExtensionTestApi {
  readonly panels: PanelTestHooks;
  readonly tokenizer: TokenizerTestApi;
  readonly attention: AttentionTestApi;
  readonly training: TrainingTestApi;
  readonly eval: EvalTestApi;
  readonly apiServer: ApiServerTestApi;
  readonly scalingSweep: ScalingSweepTestApi;
  readonly rag: RagTestApi;
  readonly runtime: RuntimeBackendTestApi;
  /** How long this window's start-up of the extension took. */
  readonly activation: ActivationTiming;
}

// activate() only registers: commands, panels' serializers, status bar items.
// Nothing heavy (ONNX Runtime, tokenizer data) is loaded until a command needs it.
export function activate(context: vscode.ExtensionContext): ExtensionTestApi {
  const stopClock = startActivationClock();
  const runtime = registerRuntimeBackend(context, (why) => activeModel(context).inference.restart(why));
  const tokenizer = registerTokenizer(context);
  registerWalkthrough(context);
  const attention = registerAttention(context);
  registerDecoding(context);
  const rag = registerRag(context);
  const training = registerTraining(context);
  registerCalculator(context);
  const evaluation = registerEval(context);
  const apiServer = registerServe(context);
  registerQuantization(context);
  registerLora(context);
  const scalingSweep = registerScalingSweep(context, training.runs);
  registerSpeculative(context);
  registerForgetting(context);
  registerHub(context);
  const activation = stopClock();
  log().info(
    `LLM Pipeline Lab activated in ${activation.totalMilliseconds.toFixed(1)} ms ` +
      `(loading its modules ${activation.loadMilliseconds.toFixed(1)} ms, activate() ${activation.activateMilliseconds.toFixed(1)} ms; ` +
      `CPU ${activation.cpuMilliseconds.toFixed(1)} ms)`,
  );
  return { panels: panelTestHooks, tokenizer, attention, training, eval: evaluation, apiServer, scalingSweep, rag, runtime, activation };
}

/** VS Code waits for this promise (briefly) when the window closes: a run saves its checkpoint. */
export function deactivate(): Promise<void> {
  stopSweepOnShutdown();
  return stopTrainingOnShutdown();
}
