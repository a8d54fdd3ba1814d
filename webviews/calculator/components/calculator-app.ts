// The Model Size Calculator (Step 8): which architecture (the bundled model, the active model,
// a preset of a real model, or typed sizes) and what to ask of it (context, training tokens,
// batch, serving dtype, a compute budget) above; every change asks the host again, and the
// answer is drawn below. The form is kept across reloads.
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { PanelApp } from '../../shared/panelApp';
import type { KitNotification } from '../../shared/protocol';
import { baseStyles, panelLayoutStyles } from '../../shared/theme.css';
import {
  SERVING_DTYPES,
  TYPED_MODEL_TYPES,
  type CalculatorForm,
  type CalculatorNotification,
  type CalculatorPanelState,
  type CalculatorRequest,
  type SetupView,
  type SizesView,
  type TypedArchitecture,
  type SizeQuestionView,
} from '../protocol';
import { t, type CalculatorStringKey } from '../strings';

const TYPED_FIELDS: readonly [Exclude<keyof TypedArchitecture, 'modelType' | 'tied'>, CalculatorStringKey][] = [
  ['layers', 'layers'], ['hidden', 'hidden'], ['heads', 'heads'], ['kvHeads', 'kvHeads'], ['intermediate', 'intermediate'], ['vocab', 'vocab'], ['context', 'contextLength'],
];
const QUESTION_FIELDS: readonly [Exclude<keyof SizeQuestionView, 'servingDtype'>, CalculatorStringKey, CalculatorStringKey | undefined][] = [
  ['context', 'context', 'contextHelp'], ['trainingTokens', 'trainingTokens', 'trainingTokensHelp'], ['batch', 'batch', undefined], ['budget', 'budget', 'budgetHelp'],
];

@customElement('calculator-app')
export class CalculatorApp extends PanelApp<CalculatorNotification, CalculatorRequest> {
  static override styles = [
    baseStyles,
    panelLayoutStyles,
    css`
      fieldset { border: 1px solid var(--vscode-panel-border, transparent); margin: 8px 0; padding: 6px 10px; }
      .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; }
      label { display: inline-flex; gap: 4px; align-items: center; }
      input[type='number'] { width: 9em; }
      input[type='number'].automatic { width: 16em; }
    `,
  ];

  @state() private setup: SetupView | undefined;
  @state() private form: CalculatorForm | undefined;
  @state() private sizes: SizesView | undefined;

  protected override restore(saved: CalculatorPanelState): void {
    this.form = saved.form;
  }

  protected override savedState(): CalculatorPanelState {
    return { form: this.form ?? (this.setup as SetupView).defaults };
  }

  protected override receive(message: Exclude<CalculatorNotification, KitNotification>): void {
    if (message.type === 'setup') {
      this.setup = message.payload;
      this.change(this.form ?? message.payload.defaults);
    } else {
      this.sizes = message.payload;
      this.error = '';
    }
  }

  /** Keeps the form and asks for its figures. */
  private change(form: CalculatorForm): void {
    this.form = form;
    this.save();
    this.request({ type: 'calculate', payload: { form } });
  }

  private typed<K extends keyof TypedArchitecture>(key: K, value: TypedArchitecture[K]): void {
    const form = this.form as CalculatorForm;
    this.change({ ...form, typed: { ...form.typed, [key]: value } });
  }

  private asked<K extends keyof SizeQuestionView>(key: K, value: SizeQuestionView[K]): void {
    const form = this.form as CalculatorForm;
    this.change({ ...form, question: { ...form.question, [key]: value } });
  }

  /**
   * A number field. Where `automatic` says what an empty field stands for, 0 (the protocol's
   * "not given") shows as an empty field with that text as its placeholder, not as a literal 0
   * that the figures below would seem to ignore.
   */
  private number(label: string, value: number, set: (n: number) => void, automatic?: string) {
    const shown = automatic !== undefined && value === 0 ? '' : String(value);
    return html`<label>${label} <input type="number" min="0" class=${automatic ? 'automatic' : ''} .value=${live(shown)} aria-label=${label}
      placeholder=${automatic ?? ''} title=${automatic ?? ''}
      @change=${(e: Event) => { const n = Number((e.target as HTMLInputElement).value); if (Number.isFinite(n) && n >= 0) set(n); }} /></label>`;
  }

  private sourceSection(form: CalculatorForm, setup: SetupView) {
    const sources = [['bundled', t('sourceBundled')], ['active', t('sourceActive')], ['preset', t('sourcePreset')], ['typed', t('sourceTyped')]] as const;
    const preset = setup.presets.find((p) => p.id === form.preset);
    return html`<fieldset><legend>${t('model')}</legend>
      <div class="row" role="radiogroup" aria-label=${t('model')}>
        ${sources.map(([value, label]) => html`<label><input type="radio" name="source" .checked=${live(form.source === value)} ?disabled=${value === 'active' && !setup.activeFolder}
          @change=${() => this.change({ ...form, source: value })} />${label}</label>`)}
      </div>
      ${form.source === 'preset' ? html`<div class="row"><label>${t('preset')}
        <select aria-label=${t('preset')} @change=${(e: Event) => this.change({ ...form, preset: setup.presets[(e.target as HTMLSelectElement).selectedIndex].id })}>
          ${setup.presets.map((p) => html`<option ?selected=${p.id === form.preset}>${p.label}</option>`)}
        </select></label>${preset ? html`<span class="muted">${t('configFrom')} <a href=${preset.source}>${preset.source}</a></span>` : nothing}</div>` : nothing}
      ${form.source === 'typed' ? html`<div class="row">
        <label>${t('modelType')} <select aria-label=${t('modelType')} @change=${(e: Event) => this.typed('modelType', TYPED_MODEL_TYPES[(e.target as HTMLSelectElement).selectedIndex])}>
          ${TYPED_MODEL_TYPES.map((m) => html`<option ?selected=${m === form.typed.modelType}>${m}</option>`)}</select></label>
        ${TYPED_FIELDS.map(([key, label]) => this.number(t(label), form.typed[key], (n) => this.typed(key, Math.round(n))))}
        <label><input type="checkbox" .checked=${live(form.typed.tied)} @change=${(e: Event) => this.typed('tied', (e.target as HTMLInputElement).checked)} />${t('tied')}</label>
      </div>` : nothing}
    </fieldset>`;
  }

  private questionSection(form: CalculatorForm) {
    const q = form.question;
    return html`<fieldset><legend>${t('question')}</legend><div class="row">
      ${QUESTION_FIELDS.map(([key, label, help]) => this.number(t(label), q[key], (n) => this.asked(key, key === 'trainingTokens' || key === 'budget' ? n : Math.round(n)), help && t(help)))}
      <label>${t('servingDtype')} <select aria-label=${t('servingDtype')} @change=${(e: Event) => this.asked('servingDtype', SERVING_DTYPES[(e.target as HTMLSelectElement).selectedIndex])}>
        ${SERVING_DTYPES.map((d) => html`<option ?selected=${d === q.servingDtype}>${d}</option>`)}</select></label>
    </div></fieldset>`;
  }

  override render() {
    const form = this.form;
    const setup = this.setup;
    return html`
      ${this.busy ? html`<p role="status" class="muted">${this.busy.message}</p>` : nothing}
      ${this.error ? html`<p role="alert" class="notice error">${this.error}</p>` : nothing}
      ${form && setup ? html`${this.sourceSection(form, setup)}${this.questionSection(form)}` : nothing}
      ${this.sizes && !this.error ? html`<sizes-table .sizes=${this.sizes}></sizes-table>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'calculator-app': CalculatorApp;
  }
}
