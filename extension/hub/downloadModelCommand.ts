// "LLM Pipeline: Download Model from Hugging Face…": choose a model (chooseRepo.ts), download what
// the engine runs into the Hugging Face cache (hubDownload.ts: progress, cancel, endpoint, proxy,
// token), and make it the model the inspectors run.
import * as vscode from 'vscode';
import { downloadModel } from '../engine/hub/downloadModel';
import type { ActiveModel } from '../model/activeModel';
import { chooseRepo } from './chooseRepo';
import { hubDownload } from './hubDownload';

/** With `repo` (from a caller that knows it) the quick pick is skipped. Returns the snapshot folder, or undefined when nothing was downloaded. */
export async function downloadModelCommand(context: vscode.ExtensionContext, model: ActiveModel, repo?: string): Promise<string | undefined> {
  const chosen = repo ? { repo, model: undefined } : await chooseRepo();
  if (!chosen) return undefined;
  const result = await hubDownload(context, chosen.repo, (options) => downloadModel(chosen.repo, { ...options, preferSafetensors: chosen.model !== undefined }));
  if (!result) return undefined;
  await model.setFolder(result.dir);
  const open = vscode.l10n.t('Inspect Attention');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Downloaded {0}: the inspectors now run it ({1}, from {2}).', result.repo, result.weights, result.dir), open)
    .then((answer) => answer === open && vscode.commands.executeCommand('llmPipeline.inspectAttention'));
  return result.dir;
}
