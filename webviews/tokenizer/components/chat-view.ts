// Chat templates: the learner edits a conversation (role + content per message), picks a
// template, and sees the exact text the model would read, with each special token marked
// and its ID, plus the problems the renderer found (a missing generation prompt, a role the
// template rejects, a special token typed into a message...).
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { t } from '../strings';
import type { ChatMessageInput, ChatRender, ChatRequest, ChatTemplateOption } from '../protocol';
import { chatViewStyles } from './chat-view.css';

const ROLES = ['system', 'user', 'assistant', 'tool'];

export type ChatChangeEvent = CustomEvent<{ request: ChatRequest }>;

@customElement('chat-view')
export class ChatView extends LitElement {
  static override styles = [baseStyles, chatViewStyles];

  @property({ attribute: false }) templates: readonly ChatTemplateOption[] = [];
  @property({ attribute: false }) request!: ChatRequest;
  @property({ attribute: false }) result: ChatRender | undefined;

  override render() {
    const r = this.request;
    return html`
      <div class="options">
        <label for="template">${t('chatTemplate')}</label>
        <vscode-single-select
          id="template"
          aria-label=${t('chatTemplate')}
          .value=${r.template}
          @change=${(e: Event) => this.change({ template: (e.target as HTMLSelectElement).value })}
        >
          ${this.templates.map((o) => html`<vscode-option value=${o.id} ?selected=${o.id === r.template}>${o.label}</vscode-option>`)}
        </vscode-single-select>
        <vscode-checkbox
          label=${t('chatAddGenerationPrompt')}
          .checked=${r.addGenerationPrompt}
          @change=${(e: Event) => this.change({ addGenerationPrompt: (e.target as HTMLInputElement).checked })}
        ></vscode-checkbox>
      </div>
      <div role="list" aria-label=${t('chatMessages')}>
        ${r.messages.map((m, i) => this.renderMessage(m, i))}
      </div>
      <vscode-button secondary @click=${this.addMessage}>${t('chatAddMessage')}</vscode-button>
      ${this.result ? this.renderResult(this.result) : nothing}
    `;
  }

  private renderMessage(m: ChatMessageInput, i: number) {
    return html`<div class="message" role="listitem">
      <vscode-single-select
        aria-label=${t('chatRole', i + 1)}
        .value=${m.role}
        @change=${(e: Event) => this.editMessage(i, { role: (e.target as HTMLSelectElement).value })}
      >
        ${ROLES.map((role) => html`<vscode-option value=${role} ?selected=${role === m.role}>${role}</vscode-option>`)}
      </vscode-single-select>
      <vscode-textarea
        rows="2"
        resize="vertical"
        aria-label=${t('chatContent', i + 1)}
        .value=${m.content}
        @input=${(e: Event) => this.editMessage(i, { content: (e.target as HTMLTextAreaElement).value })}
      ></vscode-textarea>
      <vscode-button secondary aria-label=${t('chatRemove', i + 1)} title=${t('chatRemove', i + 1)} @click=${() => this.removeMessage(i)}>✕</vscode-button>
    </div>`;
  }

  private renderResult(result: ChatRender) {
    return html`
      <h3>${t('chatRendered', result.tokenCount)}</h3>
      <pre class="rendered" aria-label=${t('chatRenderedText')}>${result.segments.map((s) =>
        s.specialId === undefined
          ? s.text
          : html`<mark class="special" title=${t('specialToken', s.specialId)}>${s.text}<sub>${s.specialId}</sub></mark>`,
      )}</pre>
      <h3>${t('chatProblems')}</h3>
      ${result.problems.length
        ? html`<ul class="problems">
            ${result.problems.map((p) => html`<li class=${p.severity}>${p.message}</li>`)}
          </ul>`
        : html`<p class="muted">${t('chatNoProblems')}</p>`}
    `;
  }

  private editMessage(i: number, patch: Partial<ChatMessageInput>): void {
    this.change({ messages: this.request.messages.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  }

  private addMessage(): void {
    const last = this.request.messages.at(-1)?.role;
    this.change({ messages: [...this.request.messages, { role: last === 'user' ? 'assistant' : 'user', content: '' }] });
  }

  private removeMessage(i: number): void {
    this.change({ messages: this.request.messages.filter((_, j) => j !== i) });
  }

  private change(patch: Partial<ChatRequest>): void {
    const request = { ...this.request, ...patch };
    this.dispatchEvent(new CustomEvent('chat-change', { detail: { request }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-view': ChatView;
  }
}
