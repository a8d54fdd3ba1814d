// What a DPO run measures besides its loss (Rafailov et al. 2023; the plots TRL logs): the reward
// accuracy (the share of pairs whose chosen answer's implicit reward r = β·log(πθ/π_ref) beats the
// rejected one's), the mean chosen and rejected rewards on held-out pairs with their margin, and the
// KL divergence of the policy from the frozen reference on held-out answers, which says how far the
// model has moved to win the pairs.
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PointView, PreferenceView, RunView } from '../protocol';
import { t } from '../strings';

type HeldOut = NonNullable<PreferenceView['heldOut']>;
type Series = (readonly [number, number])[];

const fixed = (v: number | undefined, digits = 2) => (v === undefined ? '—' : v.toFixed(digits));

@customElement('preference-charts')
export class PreferenceCharts extends LitElement {
  static override styles = css`
    :host { display: contents; }
    h3 { font-size: 1em; margin: 10px 0 2px; }
  `;

  @property({ attribute: false }) run!: RunView;

  override render() {
    const measured = this.run.points.filter((p): p is PointView & { preference: PreferenceView } => p.preference !== undefined);
    if (measured.length === 0) return nothing;
    const heldOut = measured.filter((p) => p.preference.heldOut !== undefined);
    const series = (value: (h: HeldOut) => number): Series => heldOut.map((p) => [p.step, value(p.preference.heldOut as HeldOut)] as const);
    const trainAccuracy: Series = measured.map((p) => [p.step, p.preference.trainAccuracy] as const);
    const last = heldOut.at(-1)?.preference.heldOut;
    const xMax = this.run.totalSteps;
    return html`
      <div>
        <h3>${t('accuracyChart')}</h3>
        <line-chart id="reward-accuracy" .series=${[{ label: t('trainPairs'), points: trainAccuracy, colour: 'blue' }, { label: t('heldOutPairs', last?.pairs ?? 0), points: series((h) => h.accuracy), colour: 'red', dots: true }]}
          .xMax=${xMax} yLabel=${t('accuracyAxis')} summary=${t('accuracySummary', fixed(last?.accuracy), last?.pairs ?? 0)}></line-chart>
      </div>
      <div>
        <h3>${t('rewardsChart')}</h3>
        <line-chart id="rewards" .series=${[
          { label: t('chosenReward'), points: series((h) => h.chosenReward), colour: 'green', dots: true },
          { label: t('rejectedReward'), points: series((h) => h.rejectedReward), colour: 'red', dots: true },
          { label: t('rewardMargin'), points: series((h) => h.margin), colour: 'blue', dots: true, dashed: true },
        ]} .xMax=${xMax} yLabel="β·log π/π_ref" summary=${t('rewardsSummary', fixed(last?.chosenReward), fixed(last?.rejectedReward), fixed(last?.margin))}></line-chart>
      </div>
      <div>
        <h3>${t('klChart')}</h3>
        <line-chart id="kl" .series=${[{ label: 'KL(πθ ‖ π_ref)', points: series((h) => h.kl), colour: 'purple', dots: true }]} .xMax=${xMax} yLabel="nats/token"
          summary=${t('klSummary', fixed(last?.kl, 3))}></line-chart>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'preference-charts': PreferenceCharts;
  }
}
