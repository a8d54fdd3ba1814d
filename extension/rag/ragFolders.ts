// The folders attached for RAG in this workspace: each one's index (in memory once used, on disk
// under the extension's global storage, one folder per root), a file watcher (and the editor's
// saves) that re-index a changed file alone, and attach/detach. Indexing is off in untrusted
// workspaces. The indexing runs in the index worker's process, which also keeps each index in
// memory and answers queries over it (engine/rag/heldIndexes.ts): this thread holds only counts
// and receives only what the panel and the decorations draw.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AnswerRanking } from '../engine/rag/answerRanking';
import type { IndexSummary } from '../engine/rag/heldIndexes';
import type { IndexReport } from '../engine/rag/indexer';
import type { IndexWorkerHost } from '../engine/rag/indexWorkerHost';
import { deleteIndex, indexFolderFor } from '../engine/rag/indexStore';
import type { IndexedChunk, Retrieval } from '../engine/rag/ragIndex';
import { relativeInside } from '../engine/files/insideFolder';
import { log } from '../log';
import type { RagPartsCache } from './ragParts';

const ATTACHED_KEY = 'llmPipeline.rag.folders';
/** A burst of saves to one file is indexed once, this long after the last. */
const CHANGE_DELAY_MS = 300;

export interface RagFolderChange {
  readonly root: string;
  readonly kind: 'attached' | 'detached' | 'updated';
  /** For 'updated': the file re-indexed or removed, relative to the root. */
  readonly file?: string;
}

/** An index the worker holds: where it is stored, and its counts as of the last build or update. */
export interface HeldIndex {
  readonly store: string;
  summary: IndexSummary;
}

interface Attached {
  index?: Promise<HeldIndex>;
  /** The same index once built. */
  ready?: HeldIndex;
  report?: IndexReport;
  watcher?: vscode.Disposable;
  /** Updates run one after another, so two edits never race on the same index. */
  queue: Promise<void>;
  timers: Map<string, ReturnType<typeof setTimeout>>;
}

export function untrustedMessage(): string {
  return vscode.l10n.t('RAG indexing is off in an untrusted workspace: it reads every file of a folder. Trust the workspace to attach a folder.');
}

export class RagFolders implements vscode.Disposable {
  private readonly attached = new Map<string, Attached>();
  private readonly changed = new vscode.EventEmitter<RagFolderChange>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly parts: RagPartsCache,
    private readonly worker: IndexWorkerHost,
  ) {
    for (const root of context.workspaceState.get<string[]>(ATTACHED_KEY, []).reverse()) this.attached.set(root, { queue: Promise.resolve(), timers: new Map() });
    void this.noteAttached();
    if (vscode.workspace.isTrusted) this.watchAll();
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.watchAll()),
      // A save in the editor is seen at once, whatever the file watcher reports (or misses) later.
      vscode.workspace.onDidSaveTextDocument((document) => this.saved(document.uri)),
    );
  }

  /** Attached roots, most recently attached first. */
  get roots(): string[] {
    return [...this.attached.keys()].reverse();
  }

  /** The roots this workspace's state lists as attached: the ones the next session restores. */
  get remembered(): readonly string[] {
    return this.context.workspaceState.get<string[]>(ATTACHED_KEY, []);
  }

  /** The index of `root` when it is built and ready; decorations never trigger indexing. */
  loaded(root: string): HeldIndex | undefined {
    return this.attached.get(root)?.ready;
  }

  /** Ranks the chunks of `root` for `query` in the index worker (indexing first if needed). */
  async search(root: string, query: string, vector: Float32Array, limit: number, answer: AnswerRanking): Promise<{ retrieval: Retrieval; chunks: number }> {
    return this.worker.search((await this.index(root)).store, query, vector, limit, answer);
  }

  /** The chunks of one file of `root` ('/'-separated, relative), from its built index. */
  async chunksOf(root: string, file: string): Promise<IndexedChunk[]> {
    return this.worker.chunksOf((await this.index(root)).store, file);
  }

  async chunk(root: string, id: string): Promise<IndexedChunk | undefined> {
    return this.worker.chunk((await this.index(root)).store, id);
  }

  report(root: string): IndexReport | undefined {
    return this.attached.get(root)?.report;
  }

  /** Indexes `root` (reusing what its stored index still has right) and starts watching it. */
  async attach(root: string): Promise<IndexReport | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(untrustedMessage());
      return undefined;
    }
    root = path.resolve(root);
    const known = this.attached.get(root);
    const entry: Attached = known ?? { queue: Promise.resolve(), timers: new Map() };
    // Re-inserted so that it is the most recent.
    this.attached.delete(root);
    this.attached.set(root, entry);
    const index = this.indexWithProgress(root, vscode.ProgressLocation.Notification);
    entry.index = index;
    index.catch(() => entry.index === index && (entry.index = undefined));
    try {
      await index;
    } catch (error) {
      // Cancelled or failed: a folder attached only now is not left half attached.
      if (!known) this.attached.delete(root);
      throw error;
    }
    await this.context.workspaceState.update(ATTACHED_KEY, this.roots);
    await this.noteAttached();
    this.watch(root, entry);
    this.changed.fire({ root, kind: 'attached' });
    return entry.report;
  }

  /** Stops watching `root` and deletes its stored index. */
  async detach(root: string): Promise<void> {
    const entry = this.attached.get(root);
    if (!entry) return;
    entry.watcher?.dispose();
    for (const timer of entry.timers.values()) clearTimeout(timer);
    this.attached.delete(root);
    // An indexing run or update still going would write the index again after it is deleted.
    await Promise.allSettled([entry.queue, entry.index]);
    deleteIndex(this.storeFor(root));
    await this.worker.forget(this.storeFor(root)).catch((error: Error) => log().warn(`rag: ${root}: ${error.message}`));
    await this.context.workspaceState.update(ATTACHED_KEY, this.roots);
    await this.noteAttached();
    log().info(`rag: detached ${root}`);
    this.changed.fire({ root, kind: 'detached' });
  }

  /** The index of an attached root: in memory, else from disk brought up to date, else built. */
  index(root: string): Promise<HeldIndex> {
    const entry = this.attached.get(root);
    if (!entry) return Promise.reject(new Error(vscode.l10n.t('{0} is not attached for RAG.', root)));
    if (!entry.index) {
      if (!vscode.workspace.isTrusted) return Promise.reject(new Error(untrustedMessage()));
      const index = this.indexWithProgress(root, vscode.ProgressLocation.Window);
      index.catch(() => entry.index === index && (entry.index = undefined));
      entry.index = index;
    }
    return entry.index;
  }

  /**
   * Forgets the indexes in memory after the settings, the model or the embedder changed: each is
   * rebuilt on next use, reusing from disk only what was made with the same parts.
   */
  invalidate(): void {
    for (const entry of this.attached.values()) {
      entry.index = undefined;
      entry.ready = undefined;
    }
    this.changed.fire({ root: '', kind: 'updated' });
  }

  dispose(): void {
    for (const entry of this.attached.values()) {
      entry.watcher?.dispose();
      for (const timer of entry.timers.values()) clearTimeout(timer);
    }
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.changed.dispose();
  }

  /** The llmPipeline.rag.attached context key: menus show Detach and Ask only when it is set. */
  private noteAttached(): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', 'llmPipeline.rag.attached', this.attached.size > 0);
  }

  private storeFor(root: string): string {
    return indexFolderFor(this.context.globalStorageUri.fsPath, root);
  }

  private indexWithProgress(root: string, location: vscode.ProgressLocation): Promise<HeldIndex> {
    const title = vscode.l10n.t('Indexing {0} for RAG', path.basename(root));
    return Promise.resolve(
      vscode.window.withProgress({ location, title, cancellable: true }, async (progress, token) => {
        const parts = await this.parts.parts();
        const store = this.storeFor(root);
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        const { report, rebuiltBecause, olderFormat, summary } = await this.worker.build(root, store, this.parts.spec(parts), {
          signal: controller.signal,
          onProgress: ({ done, total, file }) => {
            const percent = total ? (100 * done) / total : 100;
            progress.report({ message: `${done}/${total} ${file}`, increment: percent - shown });
            shown = percent;
          },
        });
        if (olderFormat) log().info(`rag: stored index of ${root} is in an older format, rebuilding (${rebuiltBecause})`);
        else if (rebuiltBecause) log().warn(`rag: stored index of ${root} was damaged and is rebuilt: ${rebuiltBecause}`);
        const index: HeldIndex = { store, summary };
        const entry = this.attached.get(root);
        if (entry) Object.assign(entry, { report, ready: index });
        log().info(`rag: ${root}: ${report.files} files, ${report.chunks} chunks (${report.reused} unchanged), ${report.skipped.length} skipped, in ${report.ms.toFixed(0)} ms`);
        return index;
      }),
    );
  }

  private watchAll(): void {
    for (const [root, entry] of this.attached) this.watch(root, entry);
  }

  private watch(root: string, entry: Attached): void {
    if (entry.watcher || !vscode.workspace.isTrusted) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
    const changed = (uri: vscode.Uri) => this.fileChanged(root, entry, uri);
    entry.watcher = vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
  }

  private saved(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || !vscode.workspace.isTrusted) return;
    for (const [root, entry] of this.attached) {
      if (entry.watcher) this.fileChanged(root, entry, uri);
    }
  }

  private fileChanged(root: string, entry: Attached, uri: vscode.Uri): void {
    const relative = relativeInside(root, uri.fsPath);
    if (relative === undefined) return;
    clearTimeout(entry.timers.get(relative));
    entry.timers.set(
      relative,
      setTimeout(() => {
        entry.timers.delete(relative);
        entry.queue = entry.queue.then(() => this.update(root, entry, relative)).catch((error: Error) => log().error(`rag: ${root}/${relative}: ${error.stack ?? error}`));
      }, CHANGE_DELAY_MS),
    );
  }

  /** Re-indexes one changed path: a file, or every indexed file under a deleted folder. */
  private async update(root: string, entry: Attached, relative: string): Promise<void> {
    const pending = entry.index;
    if (!pending || this.attached.get(root) !== entry) return; // indexed from scratch when next used
    const index = await pending;
    const parts = await this.parts.parts();
    // Jobs run in turn in the worker: one queued behind a rebuild sees the rebuilt index.
    const { files, summary, stale } = await this.worker.update(root, index.store, relative, this.parts.spec(parts));
    if (stale) {
      log().info(`rag: ${relative} changed; the index of ${root} was made with other settings and is rebuilt when next used`);
      return;
    }
    index.summary = summary;
    for (const { file, update } of files) log().info(`rag: ${file}: ${update.kind === 'indexed' ? `${update.chunks} chunks` : update.kind}`);
    if (files.length && entry.index === pending && this.attached.get(root) === entry) this.changed.fire({ root, kind: 'updated', file: relative });
  }
}
