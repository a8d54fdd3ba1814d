// A training run's loss curves as a standalone SVG (for a model card): training loss per step, its
// moving average, and validation loss at each measurement, on a shared step axis.

import type { HistoryPoint } from './checkpoint';

export interface LossCurveOptions {
  readonly title: string;
  /** A step to mark with a vertical line (the kept, best checkpoint). */
  readonly markStep?: number;
  /** Training losses are averaged over this many steps before drawing (the raw ones are noisy). */
  readonly smoothing?: number;
}

const WIDTH = 720;
const HEIGHT = 400;
const PAD = { left: 56, right: 16, top: 36, bottom: 44 };

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);

export function lossCurveSvg(history: readonly HistoryPoint[], options: LossCurveOptions): string {
  if (history.length === 0) throw new Error('loss curve: the run has no steps yet');
  const window = options.smoothing ?? 20;
  const smoothed = history.map((_, i) => {
    const part = history.slice(Math.max(0, i - window + 1), i + 1);
    return { step: history[i].step, loss: part.reduce((a, p) => a + p.loss, 0) / part.length };
  });
  const validation = history.filter((h) => h.validationLoss !== undefined).map((h) => ({ step: h.step, loss: h.validationLoss as number }));
  const maxStep = history.at(-1)?.step ?? 1;
  // The first steps sit near ln(vocab); the axis tops out at the first validation loss instead, so
  // the late part, where the runs differ, keeps most of the height (the start is clipped at the top).
  const values = [...smoothed.map((p) => p.loss), ...validation.map((p) => p.loss)];
  const low = Math.floor(Math.min(...values) * 2) / 2;
  const high = Math.ceil((validation.length > 0 ? Math.max(...validation.map((p) => p.loss)) : Math.max(...values)) * 2) / 2;
  const x = (step: number) => PAD.left + (step / maxStep) * (WIDTH - PAD.left - PAD.right);
  const y = (loss: number) => PAD.top + ((high - Math.min(high, loss)) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom);
  const line = (points: readonly { step: number; loss: number }[]) => points.map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}`).join('');

  const parts: string[] = [];
  for (let v = low; v <= high + 1e-9; v += 0.5) {
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  const stepTick = Math.max(1, 10 ** Math.floor(Math.log10(maxStep)) / (maxStep / 10 ** Math.floor(Math.log10(maxStep)) < 3 ? 2 : 1));
  for (let s = 0; s <= maxStep; s += stepTick) parts.push(`<text x="${x(s)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${s}</text>`);
  if (options.markStep !== undefined) {
    parts.push(`<line x1="${x(options.markStep)}" x2="${x(options.markStep)}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#999" stroke-dasharray="4 3"/><text x="${x(options.markStep) - 4}" y="${PAD.top + 12}" text-anchor="end">best, step ${options.markStep}</text>`);
  }
  parts.push(`<path d="${line(smoothed)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
  parts.push(`<path d="${line(validation)}" fill="none" stroke="#d62728" stroke-width="1.5"/>`);
  for (const p of validation) parts.push(`<circle cx="${x(p.step).toFixed(1)}" cy="${y(p.loss).toFixed(1)}" r="2.5" fill="#d62728"/>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
    ...parts,
    `<text x="${(PAD.left + WIDTH - PAD.right) / 2}" y="${HEIGHT - 8}" text-anchor="middle">optimizer step</text>`,
    `<text transform="translate(14 ${(PAD.top + HEIGHT - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">cross-entropy (nats per token)</text>`,
    `<text x="${WIDTH - PAD.right}" y="${PAD.top - 8}" text-anchor="end"><tspan fill="#1f77b4">training (mean of ${window} steps)</tspan>  <tspan fill="#d62728">validation</tspan></text>`,
    '</svg>',
    '',
  ].join('\n');
}
