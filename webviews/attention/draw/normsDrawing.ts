// The size of the residual stream through the network: for each token, ‖h‖ after the embeddings
// and after each block, as a faint line; their mean bold; the chosen token highlighted.
import { t } from '../strings';
import type { Painter } from './painter';
import { fitLabel, type Palette } from './palette';

export interface NormsContent {
  readonly streams: number;
  readonly tokens: number;
  /** [streams, tokens] */
  readonly norms: Float32Array;
  readonly labels: readonly string[];
  readonly query: number;
  readonly title: string;
}

const MARGIN = { left: 56, right: 110, top: 36, bottom: 40 };

export function drawNorms(p: Painter, content: NormsContent, palette: Palette): void {
  const { streams, tokens, norms } = content;
  const plotWidth = p.width - MARGIN.left - MARGIN.right;
  const plotHeight = p.height - MARGIN.top - MARGIN.bottom;
  let max = 0;
  for (let i = 0; i < norms.length; i++) max = Math.max(max, norms[i]);
  const top = niceCeiling(max);
  const x = (l: number) => MARGIN.left + (streams > 1 ? (l / (streams - 1)) * plotWidth : plotWidth / 2);
  const y = (v: number) => MARGIN.top + (1 - v / top) * plotHeight;

  p.rect(0, 0, p.width, p.height, palette.background);
  p.text(0, 4, content.title, { color: palette.foreground, baseline: 'top', bold: true });
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    p.line(MARGIN.left, y(v), MARGIN.left + plotWidth, y(v), palette.grid, 1, 0.5);
    p.text(MARGIN.left - 6, y(v), formatNorm(v), { color: palette.muted, anchor: 'end', baseline: 'middle' });
  }
  for (let l = 0; l < streams; l++) {
    p.text(x(l), MARGIN.top + plotHeight + 16, l === 0 ? t('streamEmbeddings') : t('streamAfterBlock', l), { color: palette.muted, anchor: 'middle' });
  }
  p.text(MARGIN.left + plotWidth / 2, MARGIN.top + plotHeight + 32, t('normsAxis'), { color: palette.muted, anchor: 'middle' });

  const series = (token: number) => Array.from({ length: streams }, (_, l) => [x(l), y(norms[l * tokens + token])]).flat();
  for (let token = 0; token < tokens; token++) p.polyline(series(token), palette.muted, 1, 0.3);
  const mean = Array.from({ length: streams }, (_, l) => {
    let sum = 0;
    for (let token = 0; token < tokens; token++) sum += norms[l * tokens + token];
    return [x(l), y(sum / tokens)];
  }).flat();
  p.polyline(mean, palette.accent, 3);
  p.text(mean[mean.length - 2] + 8, mean[mean.length - 1], t('normsMean'), { color: palette.accent, baseline: 'middle', bold: true });
  if (content.query >= 0 && content.query < tokens) {
    const chosen = series(content.query);
    p.polyline(chosen, palette.highlight, 2.5);
    for (let l = 0; l < streams; l++) p.circle(chosen[2 * l], chosen[2 * l + 1], 3, palette.highlight);
    // Beside its last point, on the side away from the mean's label.
    const below = chosen[chosen.length - 1] >= mean[mean.length - 1];
    p.text(chosen[chosen.length - 2] + 8, chosen[chosen.length - 1] + (below ? 14 : -14), fitLabel(content.labels[content.query], 12), {
      color: palette.highlight,
      baseline: 'middle',
      mono: true,
    });
  }
}

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`: a round top for the axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

function formatNorm(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
