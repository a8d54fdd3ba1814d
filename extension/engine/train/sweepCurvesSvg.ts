// A size sweep's validation curves as one standalone SVG (for the bundled model's card): every
// candidate's held-out loss against the optimizer step, in bits per byte, so that candidates whose
// tokenizers differ in vocabulary compare on one axis:
//   bits per byte = nats per token / ln 2 × tokens per byte

export interface SweepCurve {
  /** The candidate's name, e.g. 4x4x128-v4096. */
  readonly name: string;
  readonly points: readonly { readonly step: number; readonly bitsPerByte: number }[];
}

const WIDTH = 720;
const HEIGHT = 400;
const PAD = { left: 56, right: 16, top: 36, bottom: 44 };
/** Matplotlib's first colours: told apart by most readers, colour-blind ones included. */
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);

export function sweepCurvesSvg(candidates: readonly SweepCurve[], title: string): string {
  const curves = candidates.filter((c) => c.points.length > 0);
  const all = curves.flatMap((c) => c.points);
  if (all.length === 0) throw new Error('sweep curves: no candidate has a validation measurement yet');
  const maxStep = Math.max(...all.map((p) => p.step));
  // The first measurements sit far above the rest; the axis starts at the lowest second
  // measurement so that the late part, where the candidates differ, keeps most of the height.
  const seconds = curves.map((c) => c.points[1]?.bitsPerByte ?? c.points[0].bitsPerByte);
  const high = Math.ceil(Math.min(...seconds) * 10) / 10;
  const low = Math.floor(Math.min(...all.map((p) => p.bitsPerByte)) * 10) / 10 - 0.1;
  const x = (step: number) => PAD.left + (step / maxStep) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + ((high - Math.min(high, v)) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom);

  const parts: string[] = [];
  for (let v = low; v <= high + 1e-9; v += 0.1) {
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  const stepTick = 10 ** Math.floor(Math.log10(maxStep)) / (maxStep / 10 ** Math.floor(Math.log10(maxStep)) < 3 ? 2 : 1);
  for (let s = 0; s <= maxStep; s += stepTick) parts.push(`<text x="${x(s).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${s}</text>`);
  curves.forEach((curve, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const d = curve.points.map((p, j) => `${j ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p.bitsPerByte).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    parts.push(`<text x="${WIDTH - PAD.right - 4}" y="${PAD.top + 14 + 14 * i}" text-anchor="end" fill="${colour}">${escapeXml(curve.name)}: best ${Math.min(...curve.points.map((p) => p.bitsPerByte)).toFixed(4)}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    ...parts,
    `<text x="${(PAD.left + WIDTH - PAD.right) / 2}" y="${HEIGHT - 8}" text-anchor="middle">optimizer step</text>`,
    `<text transform="translate(14 ${(PAD.top + HEIGHT - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">held-out loss (bits per byte)</text>`,
    '</svg>',
    '',
  ].join('\n');
}
