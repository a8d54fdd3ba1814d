// The host-side controller of the attention panel: it runs the active model on the inspected
// text, sends the panel what it draws (the overview first, so the heatmap appears before the
// slower views are ready), answers its requests (another head, a query token, an export), and
// draws the chosen token's attention on the file. There is one panel; the command reveals it.
import * as vscode from 'vscode';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import {
  ATTENTION_VIEW_TYPE,
  isAttentionRequest,
  type AttentionNotification,
  type AttentionPanelState,
  type AttentionRequest,
  type InspectionView,
  type ModelFacts,
} from '../../webviews/attention/protocol';
import type { OwnRequest } from '../../webviews/shared/protocol';
import { log } from '../log';
import type { ActiveModel } from '../model/activeModel';
import type { Inspector } from '../engine/runtime/inspection';
import type { ModelTokenizer } from '../engine/tokenizer/modelTokenizer';
import type { LoadedModel } from '../model/loadedModel';
import { restoredSource, type SourceText } from '../tokenizer/selectionText';
import type { AttentionHighlight } from './attentionHighlight';
import { embeddingView } from './embeddingProjection';
import { attentionOf, headIn, inspectionView, lensView, normsView } from './inspectionViews';
import { modelFacts } from './modelFacts';
import { inspectText, type TextInspection } from './textInspection';
import { attentionWebviewStrings } from './webviewStrings';

export interface HeatmapTiming {
  readonly runId: number;
  readonly tokens: number;
  /** From the command to the webview's report that the heatmap is drawn. */
  readonly milliseconds: number;
  /** Of which: from the command to the overview posted (tokenizing, the model run, the views). */
  readonly hostMilliseconds: number;
  /** Of the host's: tokenizing and running the inspection graph. */
  readonly runMilliseconds: number;
  /** And: from the webview receiving the overview to the heatmap drawn. */
  readonly drawMilliseconds: number;
}

export interface AttentionPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly model: ActiveModel;
  readonly highlight: AttentionHighlight;
  readonly timings: vscode.EventEmitter<HeatmapTiming>;
}

interface Run {
  readonly id: number;
  readonly model: LoadedModel;
  readonly source: SourceText;
  readonly inspection: TextInspection;
  readonly notices: readonly string[];
  readonly attentionUnavailable?: string;
  /** performance.now() when the command ran; cleared once the heatmap is reported drawn. */
  startedAt?: number;
  /** performance.now() when the overview was posted. */
  postedAt?: number;
  /** Tokenizing and running the inspection graph took this long. */
  readonly runMilliseconds: number;
  /** What the panel was sent after the overview, kept to send again when the webview restarts. */
  readonly followUps: AttentionNotification[];
}

/** The attention panel's controller: one panel, restored after a reload. */
export type AttentionPanels = PanelController<AttentionRequest, AttentionNotification, AttentionPanel>;

export function attentionPanels(deps: AttentionPanelDeps): AttentionPanels {
  return new PanelController(
    {
      viewType: ATTENTION_VIEW_TYPE,
      title: () => vscode.l10n.t('Attention'),
      script: 'attention',
      isRequest: isAttentionRequest,
      strings: attentionWebviewStrings,
      revealInPlace: true,
      create: (kit) => new AttentionPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

/** Run ids count across panels, so a message about an old run is never taken for a new one. */
let runCounter = 0;

/** How long the other views wait for the heatmap to be reported drawn. */
const FOLLOW_UP_WAIT_MS = 1000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const aborted = (signal: AbortSignal) =>
  signal.aborted ? Promise.resolve() : new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class AttentionPanel implements PanelContent<AttentionRequest>, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private source: SourceText | undefined;
  private run: Run | undefined;
  private selected = { layer: 0, head: 0 };
  private readonly drawnWaiters = new Map<number, () => void>();
  private facts: { readonly model: LoadedModel; readonly facts: ModelFacts } | undefined;

  constructor(
    private readonly kit: PanelKit<AttentionNotification>,
    private readonly deps: AttentionPanelDeps,
  ) {
    this.disposables.push(deps.model.onDidChange(() => void (this.source ? this.inspect(this.source) : this.postModelFacts())));
  }

  dispose(): void {
    this.deps.highlight.clear();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  handle(message: OwnRequest<AttentionRequest>): void | Promise<void> {
    switch (message.type) {
      case 'selectHead':
        return this.selectHead(message.payload.runId, message.payload.layer, message.payload.head);
      case 'focusToken':
        return this.focusToken(message.payload.runId, message.payload.index, message.payload.layer, message.payload.head);
      case 'drawn':
        return this.noteDrawn(message.payload.runId, message.payload.drawMilliseconds);
      case 'chooseModel':
        return void vscode.commands.executeCommand('llmPipeline.chooseModelFolder');
    }
  }

  /**
   * The webview (re)started: after a reload, or when the hidden panel is shown again. A reloaded
   * panel has no run in the host and inspects the text its webview saved; otherwise the run is
   * sent again (what was posted before the webview listened may have been lost).
   */
  async ready(state: AttentionPanelState | undefined): Promise<void> {
    if (state) this.selected = { layer: state.layer, head: state.head };
    if (this.run) {
      await this.postModelFacts();
      await this.postRun(this.run);
      for (const message of this.run.followUps) await this.kit.post(message);
      return;
    }
    // A run in progress posts its results when it ends, to the webview that is ready by then.
    if (this.kit.tasks.busy) return;
    if (!this.source && state?.text) this.source = restoredSource(state.text);
    if (this.source) await this.inspect(this.source);
    else await this.postModelFacts();
  }

  /**
   * Runs the active model on `source`, in place of any inspection still running: loading it under
   * a cancellable notification the first time, the run in the status bar.
   */
  async inspect(source: SourceText, startedAt?: number): Promise<void> {
    this.source = source;
    await this.kit.tasks.replace((signal) => this.inspectNow(source, signal, startedAt));
  }

  private async inspectNow(source: SourceText, signal: AbortSignal, startedAt?: number): Promise<void> {
    const title = vscode.l10n.t('Inspecting attention…');
    // The panel says what it is waiting for: the first run loads the model, which takes a moment.
    void this.kit.busy({ task: 'inspect', message: title });
    const model = await this.deps.model.load();
    const [tokenizer, inspector] = await this.openParts(model);
    if (signal.aborted) return;
    // A run of a loaded model is short: the status bar shows it, not a notification.
    await this.kit.progress(title, async () => {
      const runStarted = performance.now();
      const inspection = await inspectText(source.text, tokenizer, inspector, signal);
      const runMilliseconds = performance.now() - runStarted;
      if (signal.aborted) return;
      this.deps.highlight.clear();
      const run: Run = {
        id: ++runCounter,
        model,
        source,
        inspection,
        notices: this.notices(inspection, model),
        attentionUnavailable: inspector.attentionUnavailable,
        startedAt,
        runMilliseconds,
        followUps: [],
      };
      this.run = run;
      // Posting resolves only once the webview has the message (a round trip): the heatmap's
      // data goes out without waiting for that; messages keep their order anyway.
      const facts = await this.factsOf(model);
      void this.kit.post({ type: 'model', payload: facts });
      void this.postRun(run);
      run.postedAt = performance.now();
      // The heatmap first: the other views are computed once it is on screen (or after a
      // moment, when there is no heatmap to draw), so they never hold it up.
      // A newer command aborts this run: it stops waiting at once, so the queue is free for the new one.
      const heatmap = inspection.result.attentions.length > 0;
      if (heatmap) await Promise.race([new Promise<void>((resolve) => this.drawnWaiters.set(run.id, resolve)), delay(FOLLOW_UP_WAIT_MS), aborted(signal)]);
      this.drawnWaiters.delete(run.id);
      if (signal.aborted) return;
      await this.postFollowUps(run, tokenizer, inspector.vocabSize);
    });
  }

  /**
   * The tokenizer and inspection runner, opened under a cancellable notification the first time
   * (ONNX Runtime and the graph take seconds to load); at once when they are open already.
   */
  private async openParts(model: LoadedModel): Promise<[ModelTokenizer, Inspector]> {
    const open = () => Promise.all([model.tokenizer(), model.inspector()]);
    if (model.isOpen('tokenizer') && model.isOpen('inspector')) return open();
    const cancel = () => {
      this.kit.tasks.cancelRunning();
      void this.kit.busy(null);
    };
    return this.kit.progress(vscode.l10n.t('Loading {0}…', model.folder.name), open, cancel);
  }

  private notices(inspection: TextInspection, model: LoadedModel): string[] {
    const cut = inspection.cut;
    if (!cut) return [];
    const count = cut.atLeast ? vscode.l10n.t('more than {0}', cut.tokens.toLocaleString()) : cut.tokens.toLocaleString();
    return [
      vscode.l10n.t(
        'The selection has {0} tokens, but {1} reads at most {2} at once (its context length): only the first {2} are inspected.',
        count,
        model.folder.name,
        cut.contextLength.toLocaleString(),
      ),
    ];
  }

  private async postModelFacts(): Promise<void> {
    try {
      await this.kit.post({ type: 'model', payload: await this.factsOf(await this.deps.model.load()) });
    } catch (error) {
      await this.kit.showError(error);
    }
  }

  /** The facts of a model, worked out once (a foreign graph is read to count its weights). */
  private async factsOf(model: LoadedModel): Promise<ModelFacts> {
    if (this.facts?.model !== model) this.facts = { model, facts: await modelFacts(model.folder, this.deps.model.isBundled) };
    return this.facts.facts;
  }

  private async postRun(run: Run): Promise<void> {
    const { layer, head } = this.selected;
    const view: InspectionView = inspectionView({
      runId: run.id,
      text: run.source.text,
      source: run.source.label,
      linked: run.source.link !== undefined,
      notices: run.notices,
      inspection: run.inspection,
      attentionUnavailable: run.attentionUnavailable,
      selected: { layer, head },
    });
    await this.kit.post({ type: 'inspection', payload: view });
  }

  /** The views that take longer or are not always there: logit lens, norms, embeddings. */
  private async postFollowUps(run: Run, tokenizer: ModelTokenizer, vocabSize: number): Promise<void> {
    const foreign = vscode.l10n.t('{0} is not one of our GPT-2 folders (config.json and model.safetensors), so only its attention can be read.', run.model.folder.name);
    // Posted without waiting for the webview's acknowledgement (a round trip through the
    // workbench): the run ends as soon as its last view is sent, so the next command's run, which
    // waits for this one in the task queue, starts at once. Messages keep their order anyway.
    const send = async (message: AttentionNotification) => {
      if (this.run !== run) return;
      run.followUps.push(message);
      void this.kit.post(message);
    };
    const unavailable = (view: 'embeddings' | 'lens' | 'norms') => send({ type: 'unavailable', payload: { runId: run.id, view, reason: foreign } });
    const { result } = run.inspection;
    // Each view is computed in its own turn of the event loop, so the host answers the panel between them.
    const norms = normsView(run.id, result);
    await (norms ? send({ type: 'norms', payload: norms }) : unavailable('norms'));
    await nextTurn();
    const lens = lensView(run.id, result, tokenizer, vocabSize);
    await (lens ? send({ type: 'lens', payload: lens }) : unavailable('lens'));
    await nextTurn();
    const wte = run.model.gpt2Weights()?.get('transformer.wte.weight');
    await (wte ? send({ type: 'embeddings', payload: embeddingView(run.id, wte, result.tokens, tokenizer) }) : unavailable('embeddings'));
  }

  private selectHead(runId: number, layer: number, head: number): void {
    const run = this.run;
    if (!run || run.id !== runId || !headIn(run.inspection.result, layer, head)) return;
    this.selected = { layer, head };
    void this.kit.post({ type: 'head', payload: { runId, ...attentionOf(run.inspection.result, layer, head) } });
  }

  private focusToken(runId: number, index: number | null, layer: number, head: number): void {
    const run = this.run;
    const link = run?.source.link;
    if (!run || run.id !== runId || index === null || !link || !headIn(run.inspection.result, layer, head)) {
      this.deps.highlight.clear();
      return;
    }
    const { spans, result } = run.inspection;
    if (index >= spans.length) return;
    const T = spans.length;
    const row = attentionOf(result, layer, head).data.subarray(index * T, (index + 1) * T);
    this.deps.highlight.show(link, spans, row, index, spans[index].text);
  }

  private noteDrawn(runId: number, drawMilliseconds: number): void {
    this.drawnWaiters.get(runId)?.();
    const run = this.run;
    if (!run || run.id !== runId || run.startedAt === undefined || run.postedAt === undefined) return;
    const milliseconds = performance.now() - run.startedAt;
    const hostMilliseconds = run.postedAt - run.startedAt;
    run.startedAt = undefined;
    const tokens = run.inspection.spans.length;
    log().info(
      `attention: heatmap of ${tokens} tokens drawn ${milliseconds.toFixed(0)} ms after the command ` +
        `(host ${hostMilliseconds.toFixed(0)} ms, of which tokenizing and the model ${run.runMilliseconds.toFixed(0)} ms; webview drawing ${drawMilliseconds.toFixed(0)} ms)`,
    );
    this.deps.timings.fire({ runId, tokens, milliseconds, hostMilliseconds, runMilliseconds: run.runMilliseconds, drawMilliseconds });
  }
}
