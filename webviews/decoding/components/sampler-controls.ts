// The sampler's knobs: temperature, top-k, top-p, min-p and the random seed. Each change is sent
// at once, so the bars follow the slider as it moves. A range and a number box side by side: the
// range for feel, the box for an exact value; both are labelled for screen readers.
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import type { SamplerControls } from '../protocol';
import { t, type DecodingStringKey } from '../strings';
import { samplerControlsStyles } from './sampler-controls.css';

export type ControlsChangeEvent = CustomEvent<SamplerControls>;

interface Knob {
  readonly key: keyof SamplerControls;
  readonly label: DecodingStringKey;
  readonly help: DecodingStringKey;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  /** Shown instead of the value when the knob has no effect. */
  readonly offAt?: number;
}

const KNOBS: readonly Knob[] = [
  { key: 'temperature', label: 'temperature', help: 'temperatureHelp', min: 0, max: 2, step: 0.05 },
  { key: 'topK', label: 'topK', help: 'topKHelp', min: 0, max: 100, step: 1, offAt: 0 },
  { key: 'topP', label: 'topP', help: 'topPHelp', min: 0.01, max: 1, step: 0.01, offAt: 1 },
  { key: 'minP', label: 'minP', help: 'minPHelp', min: 0, max: 0.5, step: 0.01, offAt: 0 },
];

@customElement('sampler-controls')
export class SamplerControlsElement extends LitElement {
  static override styles = [baseStyles, samplerControlsStyles];

  @property({ attribute: false }) controls!: SamplerControls;

  override render() {
    const c = this.controls;
    return html`<fieldset>
      <legend>${t('sampler')}</legend>
      ${KNOBS.map((k) => {
        const value = c[k.key];
        const off = k.offAt !== undefined && value === k.offAt;
        return html`<div class="knob" title=${t(k.help)}>
          <label for="${k.key}-range">${t(k.label)}</label>
          <input id="${k.key}-range" type="range" min=${k.min} max=${k.max} step=${k.step} .value=${String(value)}
            aria-describedby="${k.key}-help" @input=${(e: Event) => this.change(k, (e.target as HTMLInputElement).value)} />
          <input id=${k.key} class="number" type="number" min=${k.min} max=${k.key === 'topK' ? 1_000_000 : k.max} step=${k.step} .value=${String(value)}
            aria-label=${t(k.label)} aria-describedby="${k.key}-help" @change=${(e: Event) => this.change(k, (e.target as HTMLInputElement).value)} />
          <span class="state muted">${off ? t('off') : k.key === 'temperature' && value === 0 ? t('greedy') : ''}</span>
          <span id="${k.key}-help" class="visually-hidden">${t(k.help)}</span>
        </div>`;
      })}
      <div class="knob">
        <label for="seed">${t('seed')}</label>
        <input id="seed" class="number" type="number" min="0" max="4294967295" step="1" .value=${String(c.seed)}
          @change=${(e: Event) => this.change({ key: 'seed', label: 'seed', help: 'seed', min: 0, max: 2 ** 32 - 1, step: 1 }, (e.target as HTMLInputElement).value)} />
      </div>
    </fieldset>`;
  }

  private change(knob: Knob, raw: string): void {
    const parsed = Number(raw);
    if (!Number.isFinite(parsed)) return;
    const max = knob.key === 'topK' ? 1_000_000 : knob.max;
    let value = Math.max(knob.min, Math.min(max, parsed));
    if (knob.step === 1) value = Math.round(value);
    if (value === this.controls[knob.key]) return;
    this.dispatchEvent(new CustomEvent('controls-change', { detail: { ...this.controls, [knob.key]: value }, bubbles: true, composed: true }) as ControlsChangeEvent);
  }
}
