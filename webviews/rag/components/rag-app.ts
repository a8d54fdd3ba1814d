// The RAG & context-window panel: the attached folder, a question, the three rankings with their
// scores, the context window the assembled prompt fills, the prompt itself, and the streamed
// answer with the sources it was given and cites. State kept with setState() survives a reload.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PanelApp } from '../../shared/panelApp';
import type { KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import {
  OVERFLOW_POLICIES,
  type AnswerView,
  type BudgetView,
  type OverflowPolicyName,
  type RagNotification,
  type RagPanelState,
  type RagRequest,
  type RagStateView,
  type RetrievalView,
} from '../protocol';
import { t, type RagStringKey } from '../strings';
import type { OpenChunkEvent } from './ranking-list';
import { ragAppStyles } from './rag-app.css';

const POLICY_LABEL: Record<OverflowPolicyName, RagStringKey> = {
  'drop-sources': 'policyDropSources',
  'truncate-start': 'policyTruncateStart',
  'truncate-end': 'policyTruncateEnd',
};

const RANKING_LABEL: Record<RetrievalView['answer']['ranking'], RagStringKey> = { bm25: 'bm25', dense: 'dense', fused: 'fused' };

@customElement('rag-app')
export class RagApp extends PanelApp<RagNotification, RagRequest> {
  static override styles = [baseStyles, panelLayoutStyles, ragAppStyles];

  @state() private view: RagStateView | undefined;
  @state() private question = '';
  @state() private policy: OverflowPolicyName = 'drop-sources';
  @state() private answerTokens = 64;
  @state() private retrieval: RetrievalView | undefined;
  @state() private budget: BudgetView | undefined;
  @state() private answer: AnswerView | undefined;

  protected override restore(saved: RagPanelState): void {
    ({ question: this.question, policy: this.policy, answerTokens: this.answerTokens } = saved);
  }

  protected override receive(message: Exclude<RagNotification, KitNotification>): void {
    switch (message.type) {
      case 'state':
        this.view = message.payload;
        this.error = '';
        break;
      case 'question':
        // A new question: its results follow, and a question with no folder has no rankings.
        this.question = message.payload.question;
        this.retrieval = undefined;
        this.answer = undefined;
        this.error = '';
        this.save();
        break;
      case 'retrieval':
        this.retrieval = message.payload;
        this.answer = undefined;
        this.error = '';
        break;
      case 'budget':
        this.budget = message.payload;
        break;
      case 'answer':
        this.answer = message.payload;
        break;
    }
  }

  protected override savedState(): RagPanelState {
    return { question: this.question, policy: this.policy, answerTokens: this.answerTokens };
  }

  private ask(generate: boolean): void {
    this.save();
    this.answer = undefined;
    this.request({ type: 'ask', payload: { question: this.question, policy: this.policy, answerTokens: this.answerTokens, generate } });
  }

  private openChunk(id: string): void {
    this.request({ type: 'openChunk', payload: { id } });
  }

  override render() {
    const v = this.view;
    return html`
      ${v
        ? html`<div class="row">
              <span>${t('modelLine', v.model, v.contextLength)} ${t('embedderLine', v.embedder)}</span>
              <vscode-button secondary @click=${() => this.request({ type: 'chooseEmbedder', payload: {} })}>${t('chooseEmbedder')}</vscode-button>
            </div>
            <p class="notice">
              ${v.embedderCaveat}
              ${v.offeredEmbedder
                ? html`<vscode-button @click=${() => this.request({ type: 'downloadEmbedder', payload: {} })}>${t('downloadEmbedder', v.offeredEmbedder)}</vscode-button>`
                : nothing}
            </p>`
        : nothing}
      ${v && !v.trusted ? html`<p class="notice error">${t('untrusted')}</p>` : nothing}
      ${this.error ? html`<p class="notice error" role="alert">${this.error}</p>` : nothing}
      ${this.renderFolders()} ${this.renderQuestion()}
      ${this.budget ? html`<section><h2>${t('contextWindow')}</h2><context-bar .budget=${this.budget}></context-bar></section>` : nothing}
      ${this.renderRankings()} ${this.renderAnswer()}
      ${this.budget ? html`<section><h2>${t('prompt')}</h2><pre class="mono">${this.budget.promptText}</pre></section>` : nothing}
    `;
  }

  private renderFolders() {
    const v = this.view;
    const active = v?.folders.find((f) => f.root === v.active);
    return html`<section aria-label=${t('folder')}>
      <div class="row">
        <strong>${t('folder')}</strong>
        ${v && v.folders.length > 0
          ? html`<vscode-single-select
              aria-label=${t('folder')}
              @change=${(e: Event) => this.request({ type: 'chooseFolder', payload: { root: (e.target as HTMLSelectElement).value } })}
            >
              ${v.folders.map((f) => html`<vscode-option value=${f.root} ?selected=${f.root === v.active} description=${f.root}>${f.name}</vscode-option>`)}
            </vscode-single-select>`
          : html`<span class="muted">${t('noFolder')}</span>`}
        <vscode-button secondary ?disabled=${v !== undefined && !v.trusted} @click=${() => this.request({ type: 'attach', payload: {} })}>${t('attach')}</vscode-button>
        ${active ? html`<vscode-button secondary @click=${() => this.request({ type: 'detach', payload: { root: active.root } })}>${t('detach')}</vscode-button>` : nothing}
      </div>
      ${active ? html`<p class="muted">${t('folderStats', active.files, active.chunks, active.chunkSize, active.skipped)}</p>` : nothing}
    </section>`;
  }

  private renderQuestion() {
    return html`<section>
      <vscode-textarea
        rows="3"
        aria-label=${t('question')}
        placeholder=${t('questionPlaceholder')}
        .value=${this.question}
        @input=${(e: Event) => (this.question = (e.target as HTMLTextAreaElement).value)}
        @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && this.ask(true)}
      ></vscode-textarea>
      <div class="row">
        <label>${t('policy')}
          <vscode-single-select
            aria-label=${t('policy')}
            @change=${(e: Event) => {
              this.policy = (e.target as HTMLSelectElement).value as OverflowPolicyName;
              this.save();
            }}
          >
            ${OVERFLOW_POLICIES.map((p) => html`<vscode-option value=${p} ?selected=${p === this.policy}>${t(POLICY_LABEL[p])}</vscode-option>`)}
          </vscode-single-select>
        </label>
        <label>${t('answerTokens')}
          <vscode-textfield
            aria-label=${t('answerTokens')}
            type="number"
            min="1"
            max="4096"
            .value=${String(this.answerTokens)}
            @change=${(e: Event) => {
              const n = Math.round(Number((e.target as HTMLInputElement).value));
              if (n >= 1 && n <= 4096) this.answerTokens = n;
              this.save();
            }}
          ></vscode-textfield>
        </label>
        <vscode-button ?disabled=${!this.question.trim()} @click=${() => this.ask(false)}>${t('retrieve')}</vscode-button>
        <vscode-button ?disabled=${!this.question.trim()} @click=${() => this.ask(true)}>${t('retrieveAndAnswer')}</vscode-button>
        ${this.answer && !this.answer.done ? html`<vscode-button secondary @click=${() => this.request({ type: 'stop', payload: {} })}>${t('stop')}</vscode-button>` : nothing}
      </div>
    </section>`;
  }

  private renderRankings() {
    const r = this.retrieval;
    if (!r) return nothing;
    return html`<section @open-chunk=${(e: OpenChunkEvent) => this.openChunk(e.detail.id)}>
      <h2>${t('rankings')}</h2>
      <p class="muted">${t('rankingsSummary', r.embedMs.toFixed(1), r.chunks, r.scoreMs.toFixed(1), r.rrfK)}</p>
      <p class="answer-ranking" role="status">${t('answerRanking', t(RANKING_LABEL[r.answer.ranking]), r.answer.reason)}</p>
      <div class="rankings">
        <ranking-list .heading=${t('bm25')} .items=${r.bm25} digits="3" ?feeds=${r.answer.ranking === 'bm25'}></ranking-list>
        <ranking-list .heading=${t('dense')} .items=${r.dense} digits="4" ?feeds=${r.answer.ranking === 'dense'}></ranking-list>
        <ranking-list .heading=${t('fused')} .items=${r.fused} digits="5" fused ?feeds=${r.answer.ranking === 'fused'}></ranking-list>
      </div>
    </section>`;
  }

  private renderAnswer() {
    const a = this.answer;
    if (!a) return nothing;
    return html`<section>
      <h2>${t('answer')}</h2>
      <div class="answer">
        <div>
          <pre class="mono" aria-live="polite">${a.text}</pre>
          <p class="muted">${a.done ? t('answerDone', a.tokens, a.finishReason ?? '') : t('answerStreaming', a.tokens)}</p>
        </div>
        <div>
          <strong>${t('citations')}</strong>
          <ul class="sources">
            ${a.sources.map(
              (s) => html`<li class=${s.cited ? 'cited' : 'not-cited'}>
                [${s.n}] <button class="link mono" @click=${() => this.openChunk(s.chunkId)}>${s.location}</button>
                — ${s.cited ? t('cited') : t('notCited')}
              </li>`,
            )}
          </ul>
        </div>
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rag-app': RagApp;
  }
}
