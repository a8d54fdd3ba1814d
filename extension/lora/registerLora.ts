// Step 6's LoRA adapters in the editor (adapters in PEFT's layout; train them with "Fine-Tune with
// LoRA" in the training panel or `npm run cli -- train --base <model> --lora-rank R`, whose
// checkpoints hold <checkpoint>/adapter):
//   Apply LoRA Adapter…            merges it into a copy of the active model (the extension's storage)
//                                  and makes that the model every inspector runs
//   Compare with LoRA Adapter…     the same prompt and seed continued by base and adapted weights
//   Merge LoRA Adapter and Export… writes the merged model folder where the user chooses
// The work runs in the LoRA worker process; an adapter that does not fit is refused with the mismatch named.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoraRequest, LoraResult } from '../engine/lora/loraProtocol';
import { startChildJob } from '../engine/workers/childJob';
import { log } from '../log';
import { activeModel, type ActiveModel } from '../model/activeModel';
import { adapterSummary, comparisonMarkdown } from './loraText';

/** What the A/B command takes from code (the walkthrough, tests): the adapter and the prompt. */
interface CompareArgument {
  /** The adapter shipped for the bundled model (walkthroughs/lora-sample), as the walkthrough's Try it passes. */
  readonly sample?: boolean;
  readonly adapter?: string;
  readonly prompt?: string;
}

/** The adapter shipped for the bundled model, inside the extension. */
export const SAMPLE_ADAPTER_PATH = ['walkthroughs', 'lora-sample'] as const;

type Runner = (request: LoraRequest, title: string) => Thenable<LoraResult>;

/**
 * The A/B pages of this window, read-only: a Markdown preview of a virtual document leaves no
 * unsaved "Untitled" tab beside it to be asked about when the window closes.
 */
const COMPARISON_SCHEME = 'llm-pipeline-lora-ab';
const comparisons = new Map<string, string>();

export function registerLora(context: vscode.ExtensionContext): void {
  const model = activeModel(context);
  const worker = context.asAbsolutePath(path.join('dist', 'loraWorker.js'));
  const run: Runner = (request, title) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      const job = startChildJob<never, LoraResult>(worker, request, 'LoRA');
      token.onCancellationRequested(() => job.cancel());
      return job.finished;
    });
  const guarded = <A extends unknown[]>(work: (...args: A) => Promise<unknown>) => async (...args: A) => {
    try {
      return await work(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message === 'cancelled') return undefined;
      log().error(`LoRA: ${message}`);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(COMPARISON_SCHEME, { provideTextDocumentContent: (uri) => comparisons.get(uri.path) }),
    vscode.commands.registerCommand('llmPipeline.applyLoraAdapter', guarded((adapter?: vscode.Uri | string) => applyAdapter(context, model, run, adapter))),
    vscode.commands.registerCommand('llmPipeline.compareLoraAdapter', guarded((arg?: CompareArgument) => compareAdapter(model, run, arg?.sample ? { prompt: 'Once upon a time', ...arg, adapter: context.asAbsolutePath(path.join(...SAMPLE_ADAPTER_PATH)) } : arg))),
    vscode.commands.registerCommand('llmPipeline.mergeLoraAdapter', guarded(() => mergeAndExport(model, run))),
  );
}

function baseFolder(model: ActiveModel): string {
  const folder = model.folder;
  if (!folder) throw new Error(vscode.l10n.t('There is no model to adapt: choose a model folder first.'));
  return folder;
}

async function pickAdapter(given?: vscode.Uri | string): Promise<string | undefined> {
  if (given) return typeof given === 'string' ? given : given.fsPath;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Use This Adapter'), title: vscode.l10n.t('A LoRA adapter folder (adapter_config.json, adapter_model.safetensors)') });
  return picked?.[0]?.fsPath;
}

/** Merges into <storage>/lora/<base>+lora-<hash> and makes that the active model; returns the folder. */
async function applyAdapter(context: vscode.ExtensionContext, model: ActiveModel, run: Runner, given?: vscode.Uri | string): Promise<string | undefined> {
  const base = baseFolder(model);
  const adapter = await pickAdapter(given);
  if (!adapter) return undefined;
  const id = createHash('sha256').update(`${path.resolve(base)}\n${path.resolve(adapter)}`).digest('hex').slice(0, 12);
  const out = vscode.Uri.joinPath(context.globalStorageUri, 'lora', `${path.basename(base)}+lora-${id}`).fsPath;
  const facts = await run({ type: 'merge', model: base, adapter, out }, vscode.l10n.t('Applying the LoRA adapter to {0}', path.basename(base)));
  await model.setFolder(out);
  void vscode.window.showInformationMessage(vscode.l10n.t('LoRA adapter applied: the inspectors now run {0} with it. {1}', path.basename(base), adapterSummary(facts)));
  return out;
}

async function compareAdapter(model: ActiveModel, run: Runner, arg?: CompareArgument): Promise<LoraResult | undefined> {
  const base = baseFolder(model);
  const adapter = await pickAdapter(arg?.adapter);
  if (!adapter) return undefined;
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).slice(0, 2000) : undefined;
  const prompt = arg?.prompt ?? selected ?? (await vscode.window.showInputBox({ prompt: vscode.l10n.t('The prompt both models continue'), value: 'Once upon a time' }));
  if (prompt === undefined) return undefined;
  const result = await run({ type: 'compare', model: base, adapter, prompt, seed: 1, maxTokens: 60, temperature: 0.8 }, vscode.l10n.t('Continuing the prompt with and without the adapter'));
  const page = vscode.Uri.from({ scheme: COMPARISON_SCHEME, path: `/LoRA A-B ${comparisons.size + 1}.md` });
  comparisons.set(page.path, comparisonMarkdown(path.basename(base), adapter, result));
  // Loaded, not shown: only its preview opens.
  await vscode.workspace.openTextDocument(page);
  await vscode.commands.executeCommand('markdown.showPreview', page);
  return result;
}

async function mergeAndExport(model: ActiveModel, run: Runner): Promise<string | undefined> {
  const base = baseFolder(model);
  const adapter = await pickAdapter();
  if (!adapter) return undefined;
  const target = await vscode.window.showSaveDialog({ title: vscode.l10n.t('The new folder for the merged model'), saveLabel: vscode.l10n.t('Export Merged Model') });
  if (!target) return undefined;
  // Only a new folder is written: nothing the user already has is replaced.
  if (fs.existsSync(target.fsPath)) throw new Error(vscode.l10n.t('{0} already exists: choose a new folder name for the merged model.', target.fsPath));
  const facts = await run({ type: 'merge', model: base, adapter, out: target.fsPath }, vscode.l10n.t('Merging the LoRA adapter into {0}', path.basename(base)));
  void vscode.window.showInformationMessage(vscode.l10n.t('Merged model written to {0}. {1}', target.fsPath, adapterSummary(facts)));
  return target.fsPath;
}
