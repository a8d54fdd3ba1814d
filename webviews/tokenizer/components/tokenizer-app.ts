// The tokenizer panel: a tokenizer picker and four tabs (tokens, compare, BPE steps, chat
// template). It owns the panel's state, keeps it with setState() so a reload restores it, and
// turns what the child components report into requests to the host.
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { PanelApp } from '../../shared/panelApp';
import type { KitNotification } from '../../shared/protocol';
import { t } from '../strings';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import {
  TOKENIZER_TABS,
  type BpeTrace,
  type ChatRender,
  type ChatRequest,
  type ChatTemplateOption,
  type CompareColumn,
  type TokenizationResult,
  type TokenizerNotification,
  type TokenizerOption,
  type TokenizerPanelState,
  type TokenizerRequest,
  type TokenizerTab,
} from '../protocol';
import { wordAround } from '../wordAround';
import type { BpeWordEvent } from './bpe-view';
import type { ChatChangeEvent } from './chat-view';
import type { CompareChangeEvent } from './compare-view';
import type { TokenHoverEvent, TokenOpenEvent } from './token-chips';
import { tokenizerAppStyles } from './tokenizer-app.css';

/** Typing in the panel's text box re-tokenizes after this pause. */
const TYPING_DELAY_MS = 300;

const DEFAULT_CHAT: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'What is a token?' },
  ],
  template: '',
  addGenerationPrompt: true,
};

@customElement('tokenizer-app')
export class TokenizerApp extends PanelApp<TokenizerNotification, TokenizerRequest> {
  static override styles = [baseStyles, panelLayoutStyles, tokenizerAppStyles];

  @state() private options: readonly TokenizerOption[] = [];
  @state() private active = '';
  @state() private tab: TokenizerTab = 'tokens';
  @state() private text = '';
  @state() private result: TokenizationResult | undefined;
  @state() private compareIds: readonly string[] = [];
  @state() private columns: readonly CompareColumn[] = [];
  @state() private bpeWord = '';
  @state() private trace: BpeTrace | undefined;
  @state() private chat: ChatRequest = DEFAULT_CHAT;
  @state() private templates: readonly ChatTemplateOption[] = [];
  @state() private chatResult: ChatRender | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private chatTimer: ReturnType<typeof setTimeout> | undefined;

  protected override restore(saved: TokenizerPanelState): void {
    this.text = saved.text;
    this.active = saved.tokenizer;
    this.tab = saved.tab;
    this.compareIds = saved.compare;
    this.bpeWord = saved.bpeWord;
    this.chat = saved.chat;
  }

  protected override receive(message: Exclude<TokenizerNotification, KitNotification>): void {
    switch (message.type) {
      case 'tokenizers': {
        const changed = message.payload.active !== this.active;
        // Tokenizers new to the list (a model just trained, a file just opened) join the comparison;
        // the first list of a restored panel keeps the choice it saved.
        const known = new Set(this.options.map((o) => o.id));
        const restoredChoice = known.size === 0 && this.compareIds.length > 0;
        const added = restoredChoice ? [] : message.payload.options.filter((o) => !known.has(o.id) && !this.compareIds.includes(o.id)).map((o) => o.id);
        this.options = message.payload.options;
        this.active = message.payload.active;
        if (added.length) this.compareIds = this.options.map((o) => o.id).filter((id) => this.compareIds.includes(id) || added.includes(id));
        if (changed && this.tab !== 'compare') this.refreshTab();
        break;
      }
      case 'tokens':
        this.result = message.payload;
        this.text = message.payload.text;
        this.active = message.payload.tokenizer;
        this.error = '';
        if (this.tab === 'compare') this.refreshTab();
        break;
      case 'compare':
        this.columns = message.payload.columns;
        break;
      case 'bpe':
        this.trace = message.payload;
        this.bpeWord = message.payload.word;
        break;
      case 'chatTemplates':
        this.templates = message.payload.options;
        if (!this.templates.some((o) => o.id === this.chat.template) && this.templates.length) {
          this.chat = { ...this.chat, template: this.templates[0].id };
        }
        if (this.tab === 'chat') this.renderChat();
        break;
      case 'chat':
        this.chatResult = message.payload;
        break;
    }
    this.save();
  }

  override render() {
    return html`
      <header>
        <label for="tokenizer">${t('tokenizer')}</label>
        <vscode-single-select id="tokenizer" aria-label=${t('tokenizer')} .value=${this.active} @change=${this.onTokenizerChange}>
          ${this.options.map(
            (o) => html`<vscode-option value=${o.id} description=${o.detail} ?selected=${o.id === this.active}>${o.label}</vscode-option>`,
          )}
        </vscode-single-select>
        <vscode-button secondary id="open-file" @click=${() => this.request({ type: 'openTokenizerFile', payload: {} })}>
          ${t('openTokenizerFile')}
        </vscode-button>
      </header>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <vscode-tabs .selectedIndex=${TOKENIZER_TABS.indexOf(this.tab)} @vsc-tabs-select=${this.onTabSelect}>
        <vscode-tab-header slot="header" data-tab="tokens">${t('tabTokens')}</vscode-tab-header>
        <vscode-tab-panel>${this.renderTokens()}</vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="compare">${t('tabCompare')}</vscode-tab-header>
        <vscode-tab-panel>
          <compare-view
            .options=${this.options}
            .selected=${this.compareIds}
            .columns=${this.columns}
            ?hasText=${this.text.length > 0}
            @compare-change=${this.onCompareChange}
          ></compare-view>
        </vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="bpe">${t('tabBpe')}</vscode-tab-header>
        <vscode-tab-panel>
          <bpe-view .word=${this.bpeWord} .trace=${this.trace} @bpe-word=${this.onBpeWord}></bpe-view>
        </vscode-tab-panel>
        <vscode-tab-header slot="header" data-tab="chat">${t('tabChat')}</vscode-tab-header>
        <vscode-tab-panel>
          <chat-view .templates=${this.templates} .request=${this.chat} .result=${this.chatResult} @chat-change=${this.onChatChange}></chat-view>
        </vscode-tab-panel>
      </vscode-tabs>
    `;
  }

  private renderTokens() {
    const r = this.result;
    return html`
      ${r?.source ? html`<p class="source muted">${r.source}</p>` : nothing}
      ${r?.notices.map((n) => html`<div class="notice" role="status">${n}</div>`)}
      ${r ? html`<token-stats .counts=${r.counts}></token-stats>` : html`<p class="muted">${t('noTextYet')}</p>`}
      <details ?open=${!r}>
        <summary>${t('editText')}</summary>
        <vscode-textarea
          id="text"
          rows="4"
          resize="vertical"
          aria-label=${t('textToTokenize')}
          placeholder=${t('typeText')}
          .value=${this.text}
          @input=${this.onTextInput}
        ></vscode-textarea>
      </details>
      ${r
        ? html`<token-chips
            .chips=${r.chips}
            .total=${r.counts.tokens}
            @token-hover=${this.onTokenHover}
            @token-open=${this.onTokenOpen}
          ></token-chips>`
        : nothing}
    `;
  }

  private onTokenizerChange(event: Event): void {
    const id = (event.target as HTMLSelectElement).value;
    if (id && id !== this.active) this.request({ type: 'chooseTokenizer', payload: { id } });
  }

  private onTabSelect(event: CustomEvent<{ selectedIndex: number }>): void {
    this.tab = TOKENIZER_TABS[event.detail.selectedIndex] ?? 'tokens';
    this.refreshTab();
    this.save();
  }

  /** Asks the host for what the visible tab shows, for the current text and tokenizer. */
  private refreshTab(): void {
    if (this.tab === 'compare' && this.text) this.request({ type: 'compare', payload: { ids: this.compareIds } });
    if (this.tab === 'bpe' && this.bpeWord) this.request({ type: 'bpe', payload: { word: this.bpeWord } });
    if (this.tab === 'chat') this.renderChat();
  }

  private onTextInput(event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.request({ type: 'tokenize', payload: { text } }), TYPING_DELAY_MS);
  }

  private onTokenHover(event: TokenHoverEvent): void {
    const chip = event.detail.index === null ? undefined : this.result?.chips[event.detail.index];
    if (!this.result?.linked) return;
    this.request({ type: 'highlight', payload: chip ? { start: chip.start, end: chip.end } : null });
  }

  private onTokenOpen(event: TokenOpenEvent): void {
    const chip = this.result?.chips[event.detail.index];
    if (!chip || !this.result) return;
    this.bpeWord = wordAround(this.result.text, chip.start, chip.end) || chip.text;
    this.tab = 'bpe';
    this.refreshTab();
    this.save();
  }

  private onCompareChange(event: CompareChangeEvent): void {
    this.compareIds = event.detail.ids;
    this.refreshTab();
    this.save();
  }

  private onBpeWord(event: BpeWordEvent): void {
    this.bpeWord = event.detail.word;
    this.refreshTab();
    this.save();
  }

  private onChatChange(event: ChatChangeEvent): void {
    this.chat = event.detail.request;
    clearTimeout(this.chatTimer);
    this.chatTimer = setTimeout(() => this.renderChat(), TYPING_DELAY_MS);
    this.save();
  }

  private renderChat(): void {
    if (this.chat.template) this.request({ type: 'chat', payload: this.chat });
  }

  protected override savedState(): TokenizerPanelState {
    return {
      text: this.text,
      tokenizer: this.active,
      tab: this.tab,
      compare: this.compareIds,
      bpeWord: this.bpeWord,
      chat: this.chat,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tokenizer-app': TokenizerApp;
  }
}
