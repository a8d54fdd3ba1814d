// The strings the Model Size Calculator shows. The host fills this table with vscode.l10n.t()
// (extension/calculator/webviewStrings.ts) and passes it in the boot data.
import { t as translate } from '../shared/l10n';

export type CalculatorStringKey =
  | 'model' | 'sourceBundled' | 'sourceActive' | 'sourcePreset' | 'sourceTyped' | 'preset' | 'configFrom'
  | 'modelType' | 'layers' | 'hidden' | 'heads' | 'kvHeads' | 'intermediate' | 'vocab' | 'contextLength' | 'tied'
  | 'question' | 'context' | 'contextHelp' | 'trainingTokens' | 'trainingTokensHelp' | 'batch' | 'servingDtype' | 'budget' | 'budgetHelp'
  | 'architecture' | 'architectureLine'
  | 'parameters' | 'parametersTotal' | 'nonEmbedding' | 'nonEmbeddingHelp' | 'embedding'
  | 'flops' | 'forward' | 'forwardHelp' | 'training' | 'trainingHelp' | 'compute' | 'computeHelp'
  | 'trainMemory' | 'trainMemoryHelp' | 'dtype' | 'weights' | 'gradients' | 'adam' | 'master' | 'activations' | 'total'
  | 'serveMemory' | 'kvPerToken' | 'kvPerTokenHelp' | 'kvCache' | 'serveTotal'
  | 'chinchilla' | 'chinchillaLine' | 'chinchillaHelp';

export type CalculatorStrings = Readonly<Record<CalculatorStringKey, string>>;

export function t(key: CalculatorStringKey, ...args: (string | number)[]): string {
  return translate(key, ...args);
}
