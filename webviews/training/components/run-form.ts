// The settings of the next run: the data, the model (a preset with its size, custom sizes, or the
// active model continued), the tokenizer, and the optimizer and schedule, each with one line on
// what it does. It only edits a TrainingSettings and says what the user asked for (events).
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
// live(): a field shows the kept value even when a clamped entry leaves the setting as it was.
import { live } from 'lit/directives/live.js';
import { baseStyles } from '../../shared/theme.css';
import { LORA_TARGET_CHOICES, type DataPreview, type EstimateView, type Objective, type SetupView, type TrainingSettings } from '../protocol';
import { t, type TrainingStringKey } from '../strings';
import { bytes, count, duration, trainableShare } from '../format';

type NumberKey = { [K in keyof TrainingSettings]: TrainingSettings[K] extends number ? K : never }[keyof TrainingSettings];

/**
 * What each number may be (the protocol's bounds): a typed value is clamped into its range and
 * integers are rounded, so the form never sends what the host's guard would drop.
 */
const BOUNDS: Record<NumberKey, readonly [number, number, 'int' | 'real']> = {
  nLayer: [1, 48, 'int'], nHead: [1, 64, 'int'], nEmbd: [8, 4096, 'int'], nPositions: [8, 8192, 'int'], bpeVocab: [258, 65_536, 'int'],
  learningRate: [1e-6, 1, 'real'], warmupSteps: [0, 1_000_000, 'int'], batchSize: [1, 1024, 'int'], contextLength: [8, 8192, 'int'],
  steps: [1, 10_000_000, 'int'], epochs: [0.01, 10_000, 'real'], weightDecay: [0, 1, 'real'], maxGradNorm: [0, 1000, 'real'],
  seed: [0, 2 ** 31 - 1, 'int'], validationFraction: [0, 0.5, 'real'], evalEvery: [0, 1_000_000, 'int'], sampleEvery: [0, 1_000_000, 'int'],
  loraRank: [1, 256, 'int'], loraAlpha: [0.01, 1024, 'real'], dpoBeta: [0.001, 100, 'real'],
};

function clamped(key: NumberKey, value: number): number {
  const [min, max, kind] = BOUNDS[key];
  const inRange = Math.min(max, Math.max(min, value));
  return kind === 'int' ? Math.round(inRange) : inRange;
}

/** A numeric setting, its label and its one-line help. */
const FIELDS: readonly (readonly [NumberKey, TrainingStringKey, TrainingStringKey, number])[] = [
  ['learningRate', 'learningRate', 'learningRateHelp', 0.0001],
  ['warmupSteps', 'warmup', 'warmupHelp', 1],
  ['batchSize', 'batch', 'batchHelp', 1],
  ['contextLength', 'context', 'contextHelp', 1],
  ['weightDecay', 'weightDecay', 'weightDecayHelp', 0.01],
  ['maxGradNorm', 'clip', 'clipHelp', 0.1],
  ['seed', 'seed', 'seedHelp', 1],
  ['validationFraction', 'validation', 'validationHelp', 0.01],
  ['evalEvery', 'evalEvery', 'evalEveryHelp', 1],
  ['sampleEvery', 'sampleEvery', 'sampleEveryHelp', 1],
];

@customElement('run-form')
export class RunForm extends LitElement {
  static override styles = [
    baseStyles,
    css`
      fieldset { border: 1px solid var(--vscode-widget-border, #8884); margin: 8px 0; padding: 6px 10px; }
      legend { font-weight: 600; }
      .grid { display: grid; grid-template-columns: max-content 9em 1fr; gap: 4px 10px; align-items: center; }
      input, select { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; font: inherit; }
      select { max-width: 100%; }
      input[type='number'] { width: 8em; }
      input[type='text'] { width: 100%; }
      table { border-collapse: collapse; margin: 4px 0; display: block; overflow-x: auto; max-width: 100%; }
      td, th { padding: 1px 8px 1px 0; text-align: right; }
      th:first-child, td:first-child { text-align: left; }
      .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0; }
      .estimate { margin: 6px 0; line-height: 1.5; }
    `,
  ];

  @property({ attribute: false }) setup: SetupView | undefined;
  @property({ attribute: false }) settings!: TrainingSettings;
  @property({ attribute: false }) estimate: EstimateView | undefined;
  /** The SFT or DPO data as the run will read it (SFT: the first conversation's loss mask). */
  @property({ attribute: false }) preview: DataPreview | undefined;
  @property({ type: Boolean }) training = false;
  @property({ type: Boolean }) busy = false;

  private change<K extends keyof TrainingSettings>(key: K, value: TrainingSettings[K]): void {
    const checked = key in BOUNDS ? clamped(key as NumberKey, Number.isFinite(value) ? (value as number) : BOUNDS[key as NumberKey][0]) : value;
    this.dispatchEvent(new CustomEvent('settings-change', { detail: { ...this.settings, [key]: checked } }));
  }

  private ask(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  private numberField([key, labelKey, helpKey, step]: (typeof FIELDS)[number]) {
    const id = `f-${key}`;
    return html`<label for=${id}>${t(labelKey)}</label>
      <input id=${id} type="number" step=${step} min="0" .value=${live(String(this.settings[key]))} aria-describedby="${id}-help"
        @change=${(e: Event) => this.change(key, Number((e.target as HTMLInputElement).value))} />
      <span id="${id}-help" class="muted">${t(helpKey)}</span>`;
  }

  private select<K extends keyof TrainingSettings>(key: K, label: string, options: readonly (readonly [TrainingSettings[K], string])[]) {
    return html`<select aria-label=${label} @change=${(e: Event) => this.change(key, options[(e.target as HTMLSelectElement).selectedIndex][0])}>
      ${options.map(([value, text]) => html`<option ?selected=${value === this.settings[key]}>${text}</option>`)}
    </select>`;
  }

  private modelSection() {
    const s = this.settings;
    const setup = this.setup;
    if (s.objective !== 'text') return html`<fieldset><legend>${t('model')}</legend>${this.continueSection()}</fieldset>`;
    return html`<fieldset><legend>${t('model')}</legend>
      <div class="row">${this.select('model', t('model'), [['preset', t('modelPreset')], ['custom', t('modelCustom')], ['continue', t('modelContinue')]])}
        ${s.model === 'preset' ? this.select('preset', t('modelPreset'), (setup?.presets ?? []).map((p) => [p.name, p.name] as const)) : nothing}</div>
      ${s.model === 'continue' ? nothing : html`<div class="row">${t('architecture')}
        ${this.select('architecture', t('architecture'), [['gpt2', t('architectureGpt2')], ['llama', t('architectureLlama')]])}</div>`}
      ${s.model === 'preset' && setup ? html`<table aria-label=${t('modelPreset')}>
        <tr><th></th><th>${t('layers')}</th><th>${t('heads')}</th><th>${t('width')}</th><th>${t('positions')}</th><th>${t('parametersColumn')}</th><th>${t('flopsColumn')}</th><th>${t('memoryColumn')}</th></tr>
        ${setup.presets.map((p) => html`<tr class=${p.name === s.preset ? 'selected' : ''}><td>${p.name === s.preset ? '▶ ' : ''}${p.name}</td><td>${p.nLayer}</td><td>${p.nHead}</td><td>${p.nEmbd}</td><td>${p.nPositions}</td>
          <td>${count(p.figures[s.architecture].parameters)}</td><td>${(p.figures[s.architecture].flopsPerToken / 1e6).toFixed(1)}</td><td>${bytes(p.figures[s.architecture].memoryBytes)}</td></tr>`)}
      </table>` : nothing}
      ${s.model === 'custom' ? html`<div class="row">
        ${(['nLayer', 'nHead', 'nEmbd', 'nPositions'] as const).map((key, i) => html`<label>${t((['layers', 'heads', 'width', 'positions'] as const)[i])}
          <input type="number" min="1" .value=${live(String(s[key]))} @change=${(e: Event) => this.change(key, Number((e.target as HTMLInputElement).value))} /></label>`)}
      </div>` : nothing}
      ${s.model === 'continue' ? this.continueSection() : html`<div class="row">${t('tokenizer')}
        ${this.select('tokenizer', t('tokenizer'), [['active', t('tokenizerActive', setup?.activeModel.vocabSize ?? 0)], ['bytes', t('tokenizerBytes')], ['bpe', t('tokenizerBpe')]])}
        ${s.tokenizer === 'bpe' ? html`<label>${t('bpeVocab')} <input type="number" min="258" .value=${live(String(s.bpeVocab))} @change=${(e: Event) => this.change('bpeVocab', Number((e.target as HTMLInputElement).value))} /></label>` : nothing}
      </div>`}
    </fieldset>`;
  }

  /** Continuing the active model: every weight, or LoRA's low-rank A·B on the chosen matrices. */
  private continueSection() {
    const s = this.settings;
    const label = this.setup?.activeModel.label ?? '';
    const toggle = (target: (typeof LORA_TARGET_CHOICES)[number], on: boolean) => {
      const targets = LORA_TARGET_CHOICES.filter((c) => (c === target ? on : s.loraTargets.includes(c)));
      // At least one matrix: a LoRA run with no adapters would train nothing.
      if (targets.length > 0) this.change('loraTargets', targets);
      else this.requestUpdate();
    };
    const lora = s.lora && this.setup?.activeModel.architecture !== 'llama';
    return html`${this.setup?.activeModel.architecture === 'llama' ? nothing : html`<div class="row"><label><input type="checkbox" .checked=${live(s.lora)} @change=${(e: Event) => this.change('lora', (e.target as HTMLInputElement).checked)} /> ${t('loraOption')}</label></div>`}
      <p class="muted">${t(lora ? 'loraNote' : 'continueNote', label)}</p>
      ${lora ? html`<div class="grid">
        <label for="f-loraRank">${t('loraRank')}</label>
        <input id="f-loraRank" type="number" min="1" .value=${live(String(s.loraRank))} aria-describedby="f-loraRank-help" @change=${(e: Event) => this.change('loraRank', Number((e.target as HTMLInputElement).value))} />
        <span id="f-loraRank-help" class="muted">${t('loraRankHelp')}</span>
        <label for="f-loraAlpha">${t('loraAlpha')}</label>
        <input id="f-loraAlpha" type="number" min="0.01" step="1" .value=${live(String(s.loraAlpha))} aria-describedby="f-loraAlpha-help" @change=${(e: Event) => this.change('loraAlpha', Number((e.target as HTMLInputElement).value))} />
        <span id="f-loraAlpha-help" class="muted">${t('loraAlphaHelp')}</span>
        <span>${t('loraTargets')}</span>
        <span class="row" role="group" aria-label=${t('loraTargets')}>${LORA_TARGET_CHOICES.map((c) => html`<label><input type="checkbox" .checked=${live(s.loraTargets.includes(c))}
          @change=${(e: Event) => toggle(c, (e.target as HTMLInputElement).checked)} /> ${c}</label>`)}</span>
        <span class="muted">${t('loraTargetsHelp')}</span>
      </div>` : nothing}`;
  }

  /** Choosing an objective also sets the rates and sizes that suit it (SetupView.objectiveDefaults). */
  private objectiveSection() {
    const s = this.settings;
    const choose = (objective: Objective) => {
      if (objective === s.objective) return;
      this.dispatchEvent(new CustomEvent('settings-change', { detail: { ...s, ...this.setup?.objectiveDefaults[objective], objective } }));
    };
    // DPO (like LoRA) adapts GPT-2's matrices: not offered while the active model is a Llama.
    const llamaActive = this.setup?.activeModel.architecture === 'llama';
    const options = ([['text', t('objectiveText')], ['sft', t('objectiveSft')], ['dpo', t('objectiveDpo')]] as const).filter(([value]) => !llamaActive || value !== 'dpo');
    return html`<fieldset><legend>${t('objective')}</legend>
      <div class="row"><select id="f-objective" aria-label=${t('objective')} aria-describedby="f-objective-help" @change=${(e: Event) => choose(options[(e.target as HTMLSelectElement).selectedIndex][0])}>
        ${options.map(([value, text]) => html`<option value=${value} ?selected=${value === s.objective}>${text}</option>`)}
      </select></div>
      <p id="f-objective-help" class="muted">${t(s.objective === 'sft' ? 'objectiveSftHelp' : s.objective === 'dpo' ? 'objectiveDpoHelp' : 'objectiveTextHelp')}</p>
    </fieldset>`;
  }

  /** SFT and DPO data: a JSONL file or the shipped set; SFT's mask option and first example, DPO's β. */
  private instructDataSection(objective: 'sft' | 'dpo') {
    const s = this.settings;
    const data = this.setup?.instructData[objective];
    const preview = this.preview;
    return html`<fieldset><legend>${t('data')}</legend>
      <div class="row"><span>${data ? data.label : html`<span class="muted">${t(objective === 'sft' ? 'noSftData' : 'noDpoData')}</span>`}</span></div>
      <div class="row">
        <vscode-button secondary @click=${() => this.ask('choose-data', 'file')}>${t('chooseJsonl')}</vscode-button>
        ${this.setup?.instructSamples[objective] ? html`<vscode-button secondary @click=${() => this.ask('choose-data', 'sample')}>${t('useShippedSet')}</vscode-button>` : nothing}
      </div>
      ${objective === 'sft' ? html`<div class="row"><label><input type="checkbox" .checked=${live(s.allTokens)} aria-describedby="f-allTokens-help"
          @change=${(e: Event) => this.change('allTokens', (e.target as HTMLInputElement).checked)} /> ${t('allTokens')}</label></div>
        <p id="f-allTokens-help" class="muted">${t('allTokensHelp')}</p>
        ${data && preview?.kind === 'sft' ? html`<loss-mask .preview=${preview}></loss-mask>` : nothing}`
      : html`<div class="grid"><label for="f-dpoBeta">${t('dpoBeta')}</label>
          <input id="f-dpoBeta" type="number" min="0.001" step="0.05" .value=${live(String(s.dpoBeta))} aria-describedby="f-dpoBeta-help" @change=${(e: Event) => this.change('dpoBeta', Number((e.target as HTMLInputElement).value))} />
          <span id="f-dpoBeta-help" class="muted">${t('dpoBetaHelp')}</span></div>
        ${data && preview?.kind === 'dpo' ? html`<p class="muted" role="status">${t('dpoPairs', preview.pairs)}</p>
          ${preview.skipped.map((line) => html`<p class="notice">${line}</p>`)}` : nothing}`}
    </fieldset>`;
  }

  private textDataSection() {
    const data = this.setup?.data;
    return html`<fieldset><legend>${t('data')}</legend>
        <div class="row"><span>${data ? data.label : html`<span class="muted">${t('noData')}</span>`}</span></div>
        <div class="row">
          <vscode-button secondary @click=${() => this.ask('choose-data', 'file')}>${t('chooseFile')}</vscode-button>
          <vscode-button secondary @click=${() => this.ask('choose-data', 'folder')}>${t('chooseFolder')}</vscode-button>
          <vscode-button secondary @click=${() => this.ask('choose-data', 'sample')}>${t('useSample')}</vscode-button>
        </div>
      </fieldset>`;
  }

  private settingsSection() {
    const s = this.settings;
    // A DPO run counts steps (of pairs), never epochs.
    const inSteps = s.lengthUnit === 'steps' || s.objective === 'dpo';
    return html`<fieldset><legend>${t('settings')}</legend><div class="grid">
      <label>${t('length')}</label>
      <span class="row"><input type="number" min="0" aria-label=${t('length')} .value=${live(String(inSteps ? s.steps : s.epochs))}
        @change=${(e: Event) => { const v = Number((e.target as HTMLInputElement).value); this.change(inSteps ? 'steps' : 'epochs', v); }} />
        ${s.objective === 'dpo' ? t('unitSteps') : this.select('lengthUnit', t('length'), [['steps', t('unitSteps')], ['epochs', t('unitEpochs')]])}</span>
      <span class="muted">${t('lengthHelp')}</span>
      <label>${t('schedule')}</label>${this.select('schedule', t('schedule'), [['cosine', t('scheduleCosine')], ['constant', t('scheduleConstant')]])}<span class="muted">${t('scheduleHelp')}</span>
      ${FIELDS.map((f) => this.numberField(f))}
      <label for="f-prompt">${t('prompt')}</label>
      <input id="f-prompt" type="text" maxlength="500" .value=${s.samplePrompt} @change=${(e: Event) => this.change('samplePrompt', (e.target as HTMLInputElement).value)} />
      <span class="muted">${t('promptHelp')}</span>
    </div></fieldset>`;
  }

  private estimateSection() {
    const e = this.estimate;
    if (!e) return nothing;
    const tooBig = e.memoryBytes > e.memoryLimitBytes;
    return html`<div class="estimate" role="status">
      <div>${t('estimateData', e.files, bytes(e.bytes), count(e.trainTokens), count(e.validationTokens), count(e.vocabSize))}</div>
      <div>${t('estimateModel', count(e.parameters), (e.flopsPerToken / 1e6).toFixed(2))}</div>
      ${e.trainableParameters < e.parameters ? html`<div>${t('estimateTrainable', count(e.trainableParameters), trainableShare(e.trainableParameters, e.parameters), count(e.parameters))}</div>` : nothing}
      ${e.adapterBytes === undefined ? nothing : html`<div>${t('estimateAdapter', bytes(e.adapterBytes))}</div>`}
      <div>${t('estimateRun', count(e.totalSteps), e.epochs.toFixed(1))}</div>
      <div>${t('estimateChinchilla', e.tokensPerParameter.toFixed(1), e.chinchillaTokensPerParameter)}</div>
      <div class=${tooBig ? 'error' : ''}>${t(tooBig ? 'estimateTooBig' : 'estimateMemory', bytes(e.memoryBytes), bytes(e.memoryLimitBytes))}</div>
      ${tooBig ? nothing : html`<div>${t('estimateTime', (e.secondsPerStep * 1000).toFixed(0), duration(e.seconds))}</div>`}
    </div>`;
  }

  override render() {
    if (!this.settings) return nothing;
    const objective = this.settings.objective;
    const data = objective === 'text' ? this.setup?.data : this.setup?.instructData[objective];
    return html`
      ${this.objectiveSection()}
      ${objective === 'text' ? this.textDataSection() : this.instructDataSection(objective)}
      ${this.modelSection()}
      ${this.settingsSection()}
      <div class="row">
        ${objective === 'dpo' ? nothing : html`<vscode-button secondary ?disabled=${!data || this.busy} @click=${() => this.ask('estimate')}>${t('estimate')}</vscode-button>`}
        <vscode-button ?disabled=${!data || this.training} @click=${() => this.ask('start')}>${t('start')}</vscode-button>
      </div>
      ${this.estimateSection()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-form': RunForm;
  }
}
