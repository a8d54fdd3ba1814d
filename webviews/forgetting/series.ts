// The forgetting curves as chart series: one line per replay ratio ρ, on two charts, validation
// loss on the old domain (what is forgotten) and on the new one (what is learned). The rise of the
// old-domain loss from step 0 to the last step is the forgetting, in nats per token:
//   forgetting(ρ) = L_old(last step) − L_old(0)
import type { Series } from '../training/components/line-chart';
import type { CurveView } from './protocol';

const COLOURS: readonly Series['colour'][] = ['red', 'green', 'blue', 'purple', 'orange', 'yellow'];

export function curveSeries(curves: readonly CurveView[], domain: 'old' | 'new', label: (replayRatio: number) => string): Series[] {
  return curves.map((c, i) => ({
    label: label(c.replayRatio),
    points: c.points.map((p) => [p.step, domain === 'old' ? p.oldLoss : p.newLoss] as const),
    colour: COLOURS[i % COLOURS.length],
    dots: true,
  }));
}

/** L_old(last) − L_old(0), or undefined before a curve has two points. */
export function forgetting(curve: CurveView): number | undefined {
  const first = curve.points[0];
  const last = curve.points.at(-1);
  return first && last && last !== first ? last.oldLoss - first.oldLoss : undefined;
}
