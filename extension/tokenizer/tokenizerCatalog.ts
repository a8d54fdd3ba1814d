// Which tokenizers the extension offers and which one is active. Three kinds, all run by the
// same engine code: the built-ins (GPT-2's r50k_base, cl100k_base, o200k_base), every folder
// under models/ with a tokenizer.json (the bundled model's comes first and is the default once
// it exists), and tokenizer.json files the user opened from disk (remembered across sessions).
// Tokenizers load on first use and stay loaded. Running one over text (encoding, counting, BPE
// traces, chat templates) happens in child processes with limits (tokenizerWorkers.ts): a
// tokenizer.json or template from the internet may hold a pattern that backtracks for minutes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUILTIN_TOKENIZERS, isBuiltinTokenizerName, loadBuiltinTokenizer } from '../engine/tokenizer/builtins';
import type { BpeTrace } from '../engine/tokenizer/bpeSteps';
import type { ChatRendering } from '../engine/tokenizer/chatTemplate';
import type { HfTextTokenizer } from '../engine/tokenizer/hfTokenizer';
import { loadTokenizerFile } from '../engine/tokenizer/loadTokenizerFile';
import type { TokenizerSource } from '../engine/tokenizer/tokenizerJobs';
import { TokenizerWorkers, type ChatRenderFromFile } from '../engine/tokenizer/tokenizerWorkers';
import type { TokenSpan } from '../engine/tokenizer/types';
import { foldersHolding } from '../model/bundledModel';
import { requireTrustedLocation, untrustedFolderOf, untrustedReason } from '../trust/workspaceTrust';
import type { TokenizerOption } from '../../webviews/tokenizer/protocol';

const ACTIVE_KEY = 'llmPipeline.tokenizer.active';
const FILES_KEY = 'llmPipeline.tokenizer.files';
/** How many opened tokenizer.json files are remembered. */
const MAX_FILES = 8;
const DEFAULT_BUILTIN = 'builtin:r50k_base';

const BUILTIN_LABELS: Record<string, string> = {
  r50k_base: 'GPT-2 (r50k_base)',
  cl100k_base: 'cl100k_base',
  o200k_base: 'o200k_base',
};

export class TokenizerCatalog implements vscode.Disposable {
  private readonly loaded = new Map<string, Promise<HfTextTokenizer>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the new active id, and when the list of tokenizers changes. */
  readonly onDidChange = this.changed.event;
  private models: string[] | undefined;
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly workers: TokenizerWorkers;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.workers = new TokenizerWorkers(context.asAbsolutePath('dist/tokenizerWorker.js'));
    // A model trained or copied into models/ while VS Code runs joins the list at once.
    this.watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(context.extensionUri, 'models'), '*/tokenizer.json'),
    );
    const rescan = (uri: vscode.Uri) => {
      this.models = undefined;
      this.loaded.delete(`model:${path.basename(path.dirname(uri.fsPath))}`);
      this.changed.fire(this.activeId);
    };
    this.watcher.onDidCreate(rescan);
    this.watcher.onDidChange(rescan);
    this.watcher.onDidDelete(rescan);
  }

  /** Every tokenizer on offer: models first, then built-ins, then opened files. */
  options(): TokenizerOption[] {
    const builtins: TokenizerOption[] = BUILTIN_TOKENIZERS.map((b) => ({
      id: `builtin:${b.name}`,
      label: BUILTIN_LABELS[b.name],
      detail: vscode.l10n.t('built-in, {0} tokens, used by {1}', b.vocabSize.toLocaleString(), b.usedBy),
      kind: 'builtin',
    }));
    const models: TokenizerOption[] = this.modelFolders().map((dir) => ({
      id: `model:${path.basename(dir)}`,
      label: path.basename(dir),
      detail: vscode.l10n.t('bundled model, {0}', path.join('models', path.basename(dir))),
      kind: 'model',
    }));
    const files: TokenizerOption[] = this.files().map((file) => ({
      id: `file:${file}`,
      label: path.join(path.basename(path.dirname(file)), path.basename(file)),
      detail: file,
      kind: 'file',
    }));
    return [...models, ...builtins, ...files];
  }

  /** The active tokenizer's id: the user's last choice while it is still on offer, else the bundled model, else GPT-2. */
  get activeId(): string {
    const options = this.options();
    const chosen = this.context.globalState.get<string>(ACTIVE_KEY);
    if (chosen && options.some((o) => o.id === chosen)) return chosen;
    return options.find((o) => o.kind === 'model')?.id ?? DEFAULT_BUILTIN;
  }

  label(id: string): string {
    return this.options().find((o) => o.id === id)?.label ?? id;
  }

  /** Loads `id` first, so a tokenizer that fails to load never becomes the active one. */
  async setActive(id: string): Promise<void> {
    await this.load(id);
    await this.context.globalState.update(ACTIVE_KEY, id);
    this.changed.fire(id);
  }

  /** Adds a tokenizer.json from disk (after loading it) and returns its id. */
  async addFile(file: string): Promise<string> {
    const id = `file:${path.resolve(file)}`;
    this.loaded.delete(id);
    await this.load(id);
    const files = [path.resolve(file), ...this.files().filter((f) => f !== path.resolve(file))].slice(0, MAX_FILES);
    await this.context.globalState.update(FILES_KEY, files);
    this.changed.fire(this.activeId);
    return id;
  }

  active(): Promise<HfTextTokenizer> {
    return this.load(this.activeId);
  }

  /** The tokenizer `id`, loaded once; a failure is not cached, so fixing the file and retrying works. */
  load(id: string): Promise<HfTextTokenizer> {
    let tokenizer = this.loaded.get(id);
    if (!tokenizer) {
      tokenizer = this.loadNow(id);
      tokenizer.catch(() => this.loaded.delete(id));
      this.loaded.set(id, tokenizer);
    }
    return tokenizer;
  }

  /** The tokens of `text` under tokenizer `id`, found in the tokenizer worker. */
  async encode(id: string, text: string): Promise<TokenSpan[]> {
    await this.load(id);
    return this.workers.encode(this.source(id), text);
  }

  /** How many tokens `text` has under tokenizer `id`, counted in the tokenizer worker. */
  async countTokens(id: string, text: string): Promise<number> {
    await this.load(id);
    return this.workers.countTokens(this.source(id), text);
  }

  async traceBpe(id: string, word: string): Promise<BpeTrace[]> {
    await this.load(id);
    return this.workers.traceBpe(this.source(id), word);
  }

  /** Renders a chat template in the template worker and checks it under tokenizer `id`. */
  async renderChat(id: string, request: ChatRenderFromFile): Promise<ChatRendering> {
    await this.load(id);
    return this.workers.renderChat(this.source(id), request);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
    this.workers.dispose();
  }

  /** Where the tokenizer workers find tokenizer `id`. */
  private source(id: string): TokenizerSource {
    const [kind, rest] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
    if (kind === 'builtin' && isBuiltinTokenizerName(rest)) return { kind: 'builtin', name: rest, cacheDir: this.cacheDir() };
    if (kind === 'model') return { kind: 'file', location: path.join(this.modelsDir(), rest, 'tokenizer.json') };
    if (kind === 'file') return { kind: 'file', location: rest };
    throw new Error(vscode.l10n.t('Unknown tokenizer "{0}".', id));
  }

  private cacheDir(): string {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'tokenizers').fsPath;
  }

  /** Why tokenizer `id` is not loaded now (a file in a folder of an untrusted workspace), or undefined. */
  untrustedReason(id: string): string | undefined {
    if (!id.startsWith('file:')) return undefined;
    const file = id.slice('file:'.length);
    const folder = untrustedFolderOf(file);
    return folder === undefined ? undefined : untrustedReason(file, folder);
  }

  private async loadNow(id: string): Promise<HfTextTokenizer> {
    const source = this.source(id);
    // The extension's models and the built-ins are its own; a file the user opened may sit in an untrusted workspace.
    if (source.kind === 'file' && id.startsWith('file:')) requireTrustedLocation(source.location);
    if (source.kind === 'builtin') return loadBuiltinTokenizer(source.name, { convert: this.workers.convert, cacheDir: source.cacheDir });
    return loadTokenizerFile(source.location);
  }

  private modelsDir(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'models').fsPath;
  }

  /** Folders under models/ that hold a tokenizer.json, by name (read once, then kept up to date by the watcher). */
  private modelFolders(): string[] {
    this.models ??= foldersHolding(this.modelsDir(), ['tokenizer.json']);
    return this.models;
  }

  private files(): string[] {
    return this.context.globalState.get<string[]>(FILES_KEY, []);
  }
}

