// The host-side controller of the RAG & context-window panel: it retrieves for a question (BM25,
// dense and fused rankings), assembles the prompt with numbered sources, lays it out in the
// model's context window under the chosen overflow policy, and streams the active model's answer
// with the sources it cites. There is one panel; the commands reveal it when it exists.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generateStream } from '../engine/generate/generate';
import { SUGGESTED_SENTENCE_MODEL } from '../engine/hub/downloadSentenceModel';
import { answerRankingFor } from '../engine/rag/answerRanking';
import { contextBudget } from '../engine/rag/contextWindow';
import { assemblePrompt, citedSources, DEFAULT_INSTRUCTION } from '../engine/rag/promptAssembly';
import type { IndexedChunk } from '../engine/rag/ragIndex';
import type { TokenDecoder } from '../engine/tokenizer/types';
import type { LoadedModel } from '../model/loadedModel';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import {
  RAG_VIEW_TYPE,
  isRagRequest,
  type OverflowPolicyName,
  type RagNotification,
  type RagPanelState,
  type RagRequest,
  type RetrievalView,
} from '../../webviews/rag/protocol';
import type { OwnRequest } from '../../webviews/shared/protocol';
import { openChunk } from './chunkDecorations';
import type { RagFolders } from './ragFolders';
import { restoredSource } from '../tokenizer/selectionText';
import { PROMPT_SOURCES, type RagPartsCache } from './ragParts';
import { budgetView, chunkLocation, folderView, retrievalView } from './ragViews';
import { ragWebviewStrings } from './webviewStrings';

/** Chunks shown per ranking. */
const SHOWN = 8;
/** Answer text is posted every this many tokens while it streams. */
const POST_EVERY = 4;

export interface RagPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly folders: RagFolders;
  readonly parts: RagPartsCache;
}

export interface AskOptions {
  readonly question: string;
  readonly policy: OverflowPolicyName;
  readonly answerTokens: number;
  readonly generate: boolean;
}

type ShownType = 'question' | 'retrieval' | 'budget' | 'answer';

/** The RAG panel's controller: one panel, restored after a reload. */
export type RagPanels = PanelController<RagRequest, RagNotification, RagPanel>;

export function ragPanels(deps: RagPanelDeps): RagPanels {
  return new PanelController(
    {
      viewType: RAG_VIEW_TYPE,
      title: () => vscode.l10n.t('RAG & Context Window'),
      script: 'rag',
      isRequest: isRagRequest,
      strings: ragWebviewStrings,
      create: (kit) => new RagPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class RagPanel implements PanelContent<RagRequest>, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private active: string | undefined;
  /**
   * The last question's messages (question, retrieval, budget, answer), sent again when the
   * webview (re)starts: a new panel's script, or a hidden panel's, listens only after it loads.
   */
  private readonly shown = new Map<ShownType, Extract<RagNotification, { type: ShownType }>>();

  constructor(
    private readonly kit: PanelKit<RagNotification>,
    private readonly deps: RagPanelDeps,
  ) {
    this.disposables.push(deps.folders.onDidChange(() => void this.postState()));
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  /** Retrieves, lays out the prompt and (optionally) generates, in place of any question still running; returns the retrieval shown. */
  ask(options: AskOptions): Promise<RetrievalView | undefined> {
    return this.kit.tasks.replace((signal) => this.run(options, signal));
  }

  async handle(message: OwnRequest<RagRequest>): Promise<void> {
    switch (message.type) {
      case 'ask':
        await this.ask(message.payload);
        return;
      case 'openChunk':
        await this.openChunk(message.payload.id);
        return;
      case 'chooseFolder':
        if (this.deps.folders.roots.includes(message.payload.root)) this.active = message.payload.root;
        await this.postState();
        return;
      case 'attach':
        await vscode.commands.executeCommand('llmPipeline.attachRagFolder');
        return;
      case 'detach':
        if (this.deps.folders.roots.includes(message.payload.root)) await vscode.commands.executeCommand('llmPipeline.detachRagFolder', vscode.Uri.file(message.payload.root));
        return;
      case 'stop':
        this.kit.tasks.cancelRunning();
        return;
      case 'chooseEmbedder':
        await vscode.commands.executeCommand('llmPipeline.chooseEmbeddingModel');
        return;
      case 'downloadEmbedder':
        await vscode.commands.executeCommand('llmPipeline.downloadEmbeddingModel');
        return;
    }
  }

  /** The webview (re)started: the folders, then what it showed of the last question. */
  async ready(saved: RagPanelState | undefined, revived: boolean): Promise<void> {
    await this.postState();
    // After a reload, retrieval runs again for the saved question (it is quick); no answer is generated.
    // The saved question is no more trusted than a selection: it is cut to the same limit.
    if (revived && this.shown.size === 0 && saved?.question) {
      await this.ask({ question: restoredSource(saved.question).text, policy: saved.policy, answerTokens: saved.answerTokens, generate: false });
      return;
    }
    for (const message of this.shown.values()) await this.kit.post(message);
  }

  private show(message: Extract<RagNotification, { type: ShownType }>): Thenable<boolean> {
    this.shown.set(message.type, message);
    return this.kit.post(message);
  }

  private activeRoot(): string | undefined {
    const roots = this.deps.folders.roots;
    if (!this.active || !roots.includes(this.active)) this.active = roots[0];
    return this.active;
  }

  private async postState(): Promise<void> {
    const { folders } = this.deps;
    try {
      const parts = await this.deps.parts.parts();
      const views = [];
      for (const root of folders.roots) {
        const index = await folders.index(root).catch(() => undefined);
        const chunkSize = index?.summary.identity.chunk.size ?? parts.settings.chunk.size;
        views.push(folderView(root, index?.summary.files ?? 0, index?.summary.chunks ?? 0, chunkSize, folders.report(root)));
      }
      await this.kit.post({
        type: 'state',
        payload: {
          folders: views,
          active: this.activeRoot(),
          trusted: vscode.workspace.isTrusted,
          model: parts.model.folder.name,
          contextLength: this.contextLength(parts.model.folder.config.contextLength),
          embedder: parts.embedder.label,
          embedderCaveat: parts.embedder.caveat,
          offeredEmbedder: parts.embedderSpec.kind === 'sentence' ? undefined : `${SUGGESTED_SENTENCE_MODEL.repo} (${SUGGESTED_SENTENCE_MODEL.downloadMB} MB)`,
        },
      });
    } catch (error) {
      await this.kit.showError(error);
    }
  }

  private contextLength(configured: number | undefined): number {
    if (configured === undefined) throw new Error(vscode.l10n.t('The active model\'s config.json does not give its context length.'));
    return configured;
  }

  private async run({ question, policy, answerTokens, generate }: AskOptions, signal: AbortSignal): Promise<RetrievalView | undefined> {
    const parts = await this.deps.parts.parts();
    const { model, tokenizer, embedder } = parts;
    const contextLength = this.contextLength(model.folder.config.contextLength);
    const root = this.activeRoot();
    // The question goes first: the webview puts it in its box and clears the last results.
    this.shown.clear();
    await this.show({ type: 'question', payload: { question } });
    let retrieval: RetrievalView | undefined;
    let sources: IndexedChunk[] = [];
    if (root && question.trim()) {
      await this.deps.folders.index(root);
      const started = performance.now();
      const vector = await embedder.embed(question, signal);
      const embedded = performance.now();
      // Scored in the index worker: the time includes the round trip to it.
      const { retrieval: result, chunks } = await this.deps.folders.search(root, question, vector, SHOWN, answerRankingFor(embedder.id));
      retrieval = retrievalView(result, { embedMs: embedded - started, scoreMs: performance.now() - embedded, chunks });
      sources = result.fed.slice(0, PROMPT_SOURCES).map((f) => f.chunk);
      await this.show({ type: 'retrieval', payload: retrieval });
    }
    const segments = assemblePrompt(sources.length ? DEFAULT_INSTRUCTION : '', sources.map((c) => ({ label: chunkLocation(c), text: c.text })), question);
    const room = Math.min(answerTokens, contextLength - 1);
    const budget = await contextBudget(tokenizer, segments, contextLength, room, policy);
    const chunkIds = segments.map((s) => (s.source ? sources[s.source - 1].id : undefined));
    await this.show({ type: 'budget', payload: budgetView(budget, chunkIds, tokenizer.decode([...budget.keptIds])) });
    if (generate && budget.keptIds.length > 0) await this.generate(parts.model, tokenizer, budget.keptIds, room, sources, budget.segments.map((s) => s.kept), signal);
    return retrieval;
  }

  private async generate(
    model: LoadedModel,
    tokenizer: TokenDecoder,
    prompt: readonly number[],
    maxNewTokens: number,
    sources: readonly IndexedChunk[],
    kept: readonly number[],
    signal: AbortSignal,
  ): Promise<void> {
    const lm = await model.languageModel();
    // Segments are [instruction, sources..., question]. A source dropped from the window was never
    // given to the model, so it does not count as cited.
    const given = sources.map((_, i) => kept[i + 1] > 0);
    const sourceViews = (text: string) => {
      const cited = citedSources(text, sources.length);
      return sources.map((c, i) => ({ n: i + 1, chunkId: c.id, location: chunkLocation(c), cited: given[i] && cited.includes(i + 1) }));
    };
    const stream = generateStream(lm, prompt, {
      sampler: { temperature: 0, repetitionPenalty: 1.2 },
      maxNewTokens,
      stopTokenIds: model.folder.config.eosTokenIds,
      decode: (ids) => tokenizer.decode(ids),
      signal,
    });
    for (;;) {
      const next = await stream.next();
      if (next.done) {
        const { text, finishReason, tokens } = next.value;
        await this.show({ type: 'answer', payload: { text, done: true, sources: sourceViews(text), finishReason, tokens: tokens.length } });
        break;
      }
      const step = next.value;
      if ((step.index + 1) % POST_EVERY === 0) {
        await this.show({ type: 'answer', payload: { text: step.text, done: false, sources: sourceViews(step.text), tokens: step.index + 1 } });
      }
    }
  }

  private async openChunk(id: string): Promise<void> {
    const root = this.activeRoot();
    if (!root) return;
    const chunk = await this.deps.folders.chunk(root, id);
    if (chunk) await openChunk(path.join(root, chunk.file), chunk, this.kit.panel.viewColumn);
  }
}
