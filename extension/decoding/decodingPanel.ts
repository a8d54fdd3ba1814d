// The host-side controller of the Decoding Playground (Step 3). It owns the prompt, the
// step-by-step session (StepHistory) on the active model, and the greedy / sampled / beam
// comparison; it answers the webview's requests with what the engine computes. Model calls run
// one at a time, in the order asked; "stop" cuts a long generation short at once.
import * as vscode from 'vscode';
import { PanelController, type PanelContent } from '../panels/panelController';
import type { PanelKit } from '../panels/panelKit';
import {
  DECODING_VIEW_TYPE,
  DEFAULT_CONTROLS,
  isDecodingRequest,
  type BeamSettings,
  type DecodingNotification,
  type DecodingPanelState,
  type DecodingRequest,
  type InsertSource,
  type SamplerControls,
  type SessionView,
} from '../../webviews/decoding/protocol';
import type { OwnRequest } from '../../webviews/shared/protocol';
import type { FinishReason } from '../engine/generate/decodeSession';
import type { LanguageModel } from '../engine/model/languageModel';
import { RemoteLanguageModel } from '../engine/remote/remoteLanguageModel';
import type { RemoteServer } from '../engine/remote/topLogprobs';
import type { ActiveModel } from '../model/activeModel';
import { restoredSource } from '../tokenizer/selectionText';
import { compareDecoders, type Comparison } from './compareDecoders';
import { insertAtCursor } from './insertText';
import { modelTokenWriter } from './modelTokenWriter';
import { fitPrompt } from './promptWindow';
import { remoteTokenWriter } from './remoteConnection';
import { StepHistory, type TokenWriter } from './stepHistory';
import { decodingWebviewStrings } from './webviewStrings';

/** The prompt and where it came from. */
export interface PromptSource {
  readonly text: string;
  /** e.g. "story.txt, line 3"; empty when typed. */
  readonly label: string;
  /** The document it was selected in: "Insert at cursor" goes back there. */
  readonly uri?: vscode.Uri;
  /** Characters in the whole selection when only its end was kept (see MAX_PROMPT_SELECTION). */
  readonly cutFrom?: number;
}

/**
 * Characters of a selection kept as the prompt. The model only sees its last contextLength tokens,
 * and a token is rarely over 16 characters, so tokenizing more would be wasted work.
 */
export const MAX_PROMPT_SELECTION = 32 * 1024;

export interface DecodingPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly model: ActiveModel;
  /** The OpenAI-compatible server to step through instead of the local model, when one is connected. */
  readonly remoteServer: () => Promise<RemoteServer | undefined>;
}

/** The prompt the panel starts with when nothing is selected. */
const DEFAULT_PROMPT = 'Once upon a time,';

interface Session {
  readonly model: SessionView['model'];
  readonly lm: LanguageModel;
  readonly stopTokenIds: readonly number[];
  readonly writer: TokenWriter;
  readonly prompt: readonly number[];
  readonly notices: readonly string[];
  readonly history: StepHistory;
}

/** The playground's controller: one panel, restored after a reload. */
export type DecodingPanels = PanelController<DecodingRequest, DecodingNotification, DecodingPanel>;

export function decodingPanels(deps: DecodingPanelDeps): DecodingPanels {
  return new PanelController(
    {
      viewType: DECODING_VIEW_TYPE,
      title: () => vscode.l10n.t('Decoding Playground'),
      script: 'decoding',
      isRequest: isDecodingRequest,
      strings: decodingWebviewStrings,
      create: (kit) => new DecodingPanel(kit, deps),
    },
    deps.extensionUri,
  );
}

export class DecodingPanel implements PanelContent<DecodingRequest>, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private source: PromptSource = { text: DEFAULT_PROMPT, label: '' };
  private controls: SamplerControls = DEFAULT_CONTROLS;
  private session: Session | undefined;
  private comparison: Comparison | undefined;

  constructor(
    private readonly kit: PanelKit<DecodingNotification>,
    private readonly deps: DecodingPanelDeps,
  ) {
    this.disposables.push(
      deps.model.onDidChange(() => this.reload()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('llmPipeline.remote') && this.reload()),
    );
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  /** A new prompt: the session starts again from its prefill. */
  setPrompt(source: PromptSource, replay: DecodingPanelState['chosen'] = []): void {
    this.source = source;
    this.enqueue(() => this.startSession(replay));
  }

  /** The session starts again on the same prompt: the model or the server changed. */
  reload(): void {
    this.setPrompt(this.source);
  }

  handle(message: OwnRequest<DecodingRequest>): void {
    switch (message.type) {
      case 'setPrompt':
        return this.setPrompt({ text: message.payload.text, label: '' });
      case 'setControls':
        this.controls = message.payload;
        return this.enqueue(async () => {
          this.session?.history.setControls(this.controls);
          await this.postSession();
        });
      case 'next':
        return this.enqueue((signal) => this.step('sample', signal));
      case 'pick':
        return this.enqueue((signal) => this.step({ token: message.payload.token }, signal));
      case 'back':
        return this.enqueue(async () => {
          if (this.session?.history.back()) await this.postSession();
        });
      case 'restart':
        return this.setPrompt(this.source);
      case 'generate':
        return this.enqueue((signal) => this.generate(message.payload.count, signal));
      case 'stop':
        return this.kit.tasks.cancelRunning();
      case 'compare':
        return this.enqueue((signal) => this.compare(message.payload, signal));
      case 'insert':
        return this.enqueue(() => this.insert(message.payload.source));
    }
  }

  /** The webview (re)started. After a reload the host has no session: it replays the saved one. */
  ready(state: DecodingPanelState | undefined): void {
    if (this.session || !state) {
      this.enqueue(async () => {
        if (!this.session) return this.startSession([]);
        await this.postSession();
        if (this.comparison) await this.kit.post({ type: 'compare', payload: this.comparison.view });
      });
      return;
    }
    this.controls = state.controls;
    this.setPrompt(restoredSource(state.prompt), state.chosen);
  }

  /** Model work runs one task at a time, in the order asked; a failure is shown in the panel and logged. */
  private enqueue(task: (signal: AbortSignal) => Promise<void>): void {
    void this.kit.tasks.enqueue(task);
  }

  private async startSession(replay: DecodingPanelState['chosen']): Promise<void> {
    this.session = undefined;
    this.comparison = undefined;
    await this.kit.busy({ task: 'load' });
    try {
      const server = await this.deps.remoteServer();
      if (server) {
        // The connection is a user setting that outlives the server it names: say how to go back.
        await this.startRemoteSession(server, replay).catch((error: Error) => {
          throw new Error(vscode.l10n.t('{0} (the playground is connected to {1}: run "Disconnect from the OpenAI-Compatible Server" to use the local model)', error.message, server.url));
        });
      } else {
        await this.startLocalSession(replay);
      }
    } finally {
      await this.kit.busy(null);
    }
    await this.postSession();
  }

  private async startLocalSession(replay: DecodingPanelState['chosen']): Promise<void> {
    const loaded = await this.deps.model.load();
    const [lm, tokenizer] = await Promise.all([loaded.languageModel(), loaded.tokenizer()]);
    const writer = modelTokenWriter(tokenizer);
    const ids = await tokenizer.encodeIds(this.source.text);
    if (ids.length === 0) throw new Error(vscode.l10n.t('The prompt is empty: type or select some text for the model to continue.'));
    const fitted = fitPrompt(ids, lm.contextLength);
    const notices: string[] = [];
    if (this.source.cutFrom !== undefined) {
      notices.push(vscode.l10n.t('The selection has {0} characters: only its last {1} were read.', this.source.cutFrom, this.source.text.length));
    }
    if (fitted.dropped) {
      notices.push(
        vscode.l10n.t('The prompt has {0} tokens but the model sees at most {1}: its first {2} tokens were cut off.', ids.length, lm.contextLength, fitted.dropped),
      );
    }
    const stops = loaded.folder.generation.eosTokenIds;
    const history = await StepHistory.start(lm, fitted.tokens, this.controls, writer, stops);
    const model = { name: loaded.folder.name, folder: loaded.dir, contextLength: lm.contextLength, vocabSize: lm.vocabSize };
    this.session = { model, lm, stopTokenIds: stops, writer, prompt: fitted.tokens, notices, history };
    for (const { token, forced } of replay) {
      if (history.finishReason || token >= lm.vocabSize) break;
      await history.replay(token, forced);
    }
  }

  /**
   * A served model: the prompt goes to the server as text (one token here), and each step shows
   * the top-k alternatives the server returns. A saved session's tokens are ids of this host's
   * own table of strings, gone after a reload, so a remote session starts again instead of replaying.
   */
  private async startRemoteSession(server: RemoteServer, replay: DecodingPanelState['chosen']): Promise<void> {
    if (!this.source.text) throw new Error(vscode.l10n.t('The prompt is empty: type or select some text for the model to continue.'));
    const lm = new RemoteLanguageModel(server);
    const writer = remoteTokenWriter(lm);
    const prompt = [lm.textToken(this.source.text)];
    const notices = [
      vscode.l10n.t('Each step sends the text so far to {0}, which tokenizes it again: a token chosen here may be split differently there.', server.url),
      ...(replay.length ? [vscode.l10n.t('The tokens chosen before the reload were not replayed: a remote session starts again from the prompt.')] : []),
    ];
    const history = await StepHistory.start(lm, prompt, this.controls, writer, []);
    const model = { name: server.model, folder: server.url, contextLength: lm.contextLength, vocabSize: lm.topK, remote: { url: server.url, topK: lm.topK } };
    this.session = { model, lm, stopTokenIds: [], writer, prompt, notices, history };
  }

  private async step(choice: 'sample' | { readonly token: number }, signal: AbortSignal): Promise<void> {
    const history = this.session?.history;
    if (!history || history.finishReason) return;
    await history.step(choice, signal);
    await this.postSession();
  }

  /** "Generate N": steps until N tokens, the end of generation, or a stop (button or notification). */
  private async generate(count: number, signal: AbortSignal): Promise<void> {
    const history = this.session?.history;
    if (!history || history.finishReason) return;
    try {
      await this.kit.progress(
        vscode.l10n.t('Generating {0} tokens', count),
        async (report) => {
          for (let done = 0; done < count && !history.finishReason && !signal.aborted; done++) {
            await history.step('sample', signal);
            report(done + 1, count);
            await this.kit.busy({ task: 'generate', done: done + 1, total: count });
            await this.postSession();
          }
        },
        () => this.kit.tasks.cancelRunning(),
      );
    } finally {
      await this.kit.busy(null);
    }
  }

  private async compare(settings: BeamSettings, signal: AbortSignal): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.kit.busy({ task: 'compare', done: 0, total: 3 });
    try {
      this.comparison = await this.kit.progress(vscode.l10n.t('Comparing greedy, sampled and beam search'), () =>
        compareDecoders({
          model: session.lm,
          prompt: session.prompt,
          controls: this.controls,
          beam: settings,
          writer: session.writer,
          stopTokenIds: session.stopTokenIds,
          signal,
          onProgress: (done, total) => void this.kit.busy({ task: 'compare', done, total }),
        }),
      );
      await this.kit.post({ type: 'compare', payload: this.comparison.view });
    } finally {
      await this.kit.busy(null);
    }
  }

  private async insert(source: InsertSource): Promise<void> {
    const session = this.session;
    if (!session) return;
    const stops = new Set(session.stopTokenIds);
    const tokens = source === 'steps' ? session.history.chosen : (this.comparison?.tokens[source] ?? []);
    const text = session.writer.decode(tokens.filter((t) => !stops.has(t)));
    if (!text) throw new Error(vscode.l10n.t('There is nothing to insert yet: generate some tokens first.'));
    await insertAtCursor(text, this.source.uri);
  }

  private async postSession(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const { history } = session;
    // Controls set while other work ran apply now, so that the bars always match the controls
    // shown (their own task would apply them a moment later; applying twice changes nothing).
    if (history.controls !== this.controls) history.setControls(this.controls);
    const { candidates, filters } = history.candidates();
    const view: SessionView = {
      model: session.model,
      prompt: session.writer.decode(session.prompt),
      promptTokens: session.prompt.length,
      source: this.source.label,
      notices: session.notices,
      generated: history.generated(),
      candidates,
      filters,
      finished: finishedText(history.finishReason),
      cache: history.cachePoints(),
      controls: this.controls,
    };
    await this.kit.post({ type: 'session', payload: view });
  }
}

function finishedText(reason: FinishReason | null): string | null {
  switch (reason) {
    case null:
      return null;
    case 'stop-token':
      return vscode.l10n.t('The model chose its end-of-text token: the text is complete.');
    case 'context-full':
      return vscode.l10n.t("The context window is full: the model cannot see another token. Go back, or shorten the prompt.");
    default:
      return vscode.l10n.t('Generation has ended.');
  }
}
