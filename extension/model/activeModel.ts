// The model every inspector runs: the folder the user chose ("Choose Model Folder…", remembered
// across sessions in globalState) while it still exists, else the bundled model, run from the copy
// with its ONNX graph that builtBundledModel.ts builds on first use.
// It is opened lazily, once, and shared: the attention panel, the decoder and the evaluators all
// get the same LoadedModel until the choice changes. Then the old one is released and
// onDidChange fires.
//
//   const model = activeModel(context);          // the one service of this extension host
//   const loaded = await model.load();           // throws NoModelError when there is none
//   const inspector = await loaded.inspector();  // parts open on first use
//   model.onDidChange(() => …);                  // the user chose another folder
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { InferenceHost } from '../engine/inference/inferenceHost';
import { TokenizerWorkers } from '../engine/tokenizer/tokenizerWorkers';
import { log } from '../log';
import { requireTrustedLocation } from '../trust/workspaceTrust';
import { BuiltBundledModel } from './builtBundledModel';
import { chooseModelFolder } from './chooseModelFolder';
import { LoadedModel } from './loadedModel';
import { reportBackend } from './runtimeBackend';

const CHOSEN_KEY = 'llmPipeline.model.folder';
const RECENT_KEY = 'llmPipeline.model.recent';
/** How many chosen folders the picker remembers. */
const MAX_RECENT = 8;

/** No folder was chosen and none is bundled. */
export class NoModelError extends Error {
  constructor() {
    super(vscode.l10n.t('No model folder is chosen and none is bundled under models/. Run "LLM Pipeline: Choose Model Folder…".'));
    this.name = 'NoModelError';
  }
}

export interface ActiveModelChange {
  /** The folder now in use, or undefined when there is none. */
  readonly folder: string | undefined;
  readonly bundled: boolean;
}

export class ActiveModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActiveModelChange>();
  /** Fires after the active folder changes (the old model is already released). */
  readonly onDidChange = this.changed.event;
  private loaded: { dir: string; model: Promise<LoadedModel> } | undefined;
  /** Runs every ONNX Runtime session of the model (and of the RAG embedding model), so that a native crash never takes the host down. */
  readonly inference: InferenceHost;
  /** Encodes with the model's tokenizer.json under limits, so that a hostile pattern in it never stalls the host. */
  private readonly tokenizers: TokenizerWorkers;
  /** The one resolver of the bundled model (shipped weights, built graph). */
  private readonly bundled: BuiltBundledModel;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.bundled = new BuiltBundledModel(context.extensionUri.fsPath, context.globalStorageUri.fsPath, context.asAbsolutePath('dist/graphFolderWorker.js'));
    this.inference = new InferenceHost(context.asAbsolutePath('dist/inferenceWorker.js'), undefined, reportBackend);
    this.tokenizers = new TokenizerWorkers(context.asAbsolutePath('dist/tokenizerWorker.js'));
  }

  /** The bundled model's folder: its built copy once the first load made it, else the shipped folder under models/. */
  get bundledFolder(): string | undefined {
    return this.bundled.folder;
  }

  /** Whether `dir` is the bundled model (shipped or built). */
  isBundledFolder(dir: string | undefined): boolean {
    return this.bundled.holds(dir);
  }

  /** The folder in use: the user's choice while it still has a config.json, else the bundled one. */
  get folder(): string | undefined {
    const chosen = this.context.globalState.get<string>(CHOSEN_KEY);
    if (chosen && fs.existsSync(path.join(chosen, 'config.json'))) return chosen;
    return this.bundledFolder;
  }

  /**
   * The folder in use, ready to run: for the bundled model its built copy (built now, on first
   * use), so that what a run records (the eval's model hash, the server's folder) does not change
   * with whether the graph was built yet.
   */
  async runnableFolder(): Promise<string | undefined> {
    const dir = this.folder;
    return dir !== undefined && this.bundled.holds(dir) ? this.bundled.ready() : dir;
  }

  get isBundled(): boolean {
    return this.bundled.holds(this.folder);
  }

  /** Folders chosen before, most recent first, that still exist. */
  recentFolders(): string[] {
    return this.context.globalState.get<string[]>(RECENT_KEY, []).filter((dir) => fs.existsSync(path.join(dir, 'config.json')));
  }

  /**
   * Makes `dir` the active model after checking it (a broken folder throws a ModelFolderError
   * naming the file and the problem, and the choice does not change); undefined goes back to the
   * bundled model.
   */
  async setFolder(dir: string | undefined): Promise<void> {
    const target = dir === undefined ? undefined : path.resolve(dir);
    if (target !== undefined && !this.bundled.holds(target)) requireTrustedLocation(target);
    const next = target === undefined ? undefined : LoadedModel.open(target, {}, this.inference, this.tokenizers);
    await this.context.globalState.update(CHOSEN_KEY, target);
    if (target) await this.context.globalState.update(RECENT_KEY, [target, ...this.recentFolders().filter((d) => d !== target)].slice(0, MAX_RECENT));
    await this.replace(next);
    log().info(`model: ${this.folder ?? 'none'}${this.isBundled ? ' (bundled)' : ''}`);
    this.changed.fire({ folder: this.folder, bundled: this.isBundled });
  }

  /** The active model, opened on first call and shared after; NoModelError when there is none. */
  load(): Promise<LoadedModel> {
    const dir = this.folder;
    if (!dir) return Promise.reject(new NoModelError());
    // The bundled model runs from its built copy, built now when this is its first use.
    if (this.bundled.holds(dir)) return this.bundled.ready().then((copy) => this.open(copy));
    // A folder chosen before may lie in the workspace now open, untrusted: it waits for trust.
    try {
      requireTrustedLocation(dir);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.open(dir);
  }

  /** `dir` opened, or the model already open from it. */
  private open(dir: string): Promise<LoadedModel> {
    if (this.loaded?.dir !== dir) {
      void this.replace(undefined);
      const model = Promise.resolve().then(() => LoadedModel.open(dir, {}, this.inference, this.tokenizers));
      // A folder that fails to open is tried again next time.
      model.catch(() => this.loaded?.model === model && (this.loaded = undefined));
      this.loaded = { dir, model };
    }
    return this.loaded.model;
  }

  dispose(): void {
    void this.replace(undefined).finally(() => {
      this.inference.dispose();
      this.tokenizers.dispose();
    });
    this.changed.dispose();
  }

  /** Releases the model in use and keeps `next` (already opened) in its place. */
  private async replace(next: LoadedModel | undefined): Promise<void> {
    const old = this.loaded;
    this.loaded = next ? { dir: next.dir, model: Promise.resolve(next) } : undefined;
    if (old) await (await old.model.catch(() => undefined))?.release();
  }
}

let service: ActiveModel | undefined;

/**
 * The extension's one ActiveModel, created on first call (with its command, "Choose Model
 * Folder…") and disposed with the extension. Every step that runs the model gets it here, so they
 * all follow the same choice.
 */
export function activeModel(context: vscode.ExtensionContext): ActiveModel {
  if (!service) {
    const created = new ActiveModel(context);
    service = created;
    context.subscriptions.push(
      created,
      vscode.commands.registerCommand('llmPipeline.chooseModelFolder', (folder?: vscode.Uri) => chooseModelFolder(created, folder)),
      new vscode.Disposable(() => service === created && (service = undefined)),
    );
  }
  return service;
}
