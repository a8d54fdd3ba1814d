// What the walkthrough diagrams draw must be right, and readable on a dark theme: each carries the
// dark palette of test/unit/diagramTheme.ts; the step 3 bars are a real distribution whose top-p
// cut is not a tie; the step 8 training runs never dip below the envelope of best losses.
// Run with UPDATE_DIAGRAM_THEMES=1 to (re)write every diagram's theme block after a diagram changes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { topP } from '../../extension/engine/generate/filters';
import { DARK_PALETTE, currentThemeBlock, themeBlock, withThemeBlock } from './diagramTheme';

const mediaDir = path.resolve(__dirname, '..', '..', 'walkthroughs', 'media');
const read = (file: string): string => fs.readFileSync(path.join(mediaDir, file), 'utf8');

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('walkthrough diagrams on dark and high-contrast themes', () => {
  for (const file of fs.readdirSync(mediaDir).filter((f) => f.endsWith('.svg')).sort()) {
    it(`${file} ends its style with the theme block of its colours`, () => {
      if (process.env.UPDATE_DIAGRAM_THEMES) fs.writeFileSync(path.join(mediaDir, file), withThemeBlock(read(file)));
      const svg = read(file);
      const expected = themeBlock(svg);
      assert.equal(currentThemeBlock(svg), expected, `${file}: run the test with UPDATE_DIAGRAM_THEMES=1, or end its <style> with:\n${expected}`);
    });
  }

  it('the dark palette keeps every text colour readable on a dark editor and turns pale fills dark', () => {
    const editor = '#1e1e1e';
    // Text colours of the light diagrams (the .name, .note, .small and .code classes).
    for (const text of ['#1f2328', '#374151']) {
      assert.ok(contrast(DARK_PALETTE[text], editor) >= 7, `${text} → ${DARK_PALETTE[text]} on ${editor}`);
      // Text also sits on the darkened boxes.
      for (const fill of ['#dbeafe', '#dcfce7', '#fef3c7', '#ffe4e6', '#ede9fe', '#ffedd5', '#f9fafb', '#ffffff', '#f3f4f6']) {
        assert.ok(contrast(DARK_PALETTE[text], DARK_PALETTE[fill]) >= 4.5, `${DARK_PALETTE[text]} on ${DARK_PALETTE[fill]}`);
      }
    }
    // No light colour becomes a bright slab: every fill lighter than mid-grey turns darker than it.
    for (const [light, dark] of Object.entries(DARK_PALETTE)) {
      if (luminance(light) > 0.6) assert.ok(luminance(dark) < 0.1, `${light} → ${dark} is still bright`);
    }
  });
});

describe('the step 3 diagram\'s next-token bars', () => {
  const svg = read('step3-output-processing.svg');
  const bars = [...svg.matchAll(/<rect class="(bar|bar-out)" x="84" y="(\d+)" width="(\d+)"/g)].map((m) => ({ kept: m[1] === 'bar', y: Number(m[2]), width: Number(m[3]) }));
  const labels = new Map([...svg.matchAll(/<text x="\d+" y="(\d+)">(0\.\d\d)<\/text>/g)].map((m) => [Number(m[1]) - 13, Number(m[2])]));
  const probabilities = bars.map((b) => labels.get(b.y) ?? NaN);

  it('label a distribution, drawn to scale, most probable first', () => {
    assert.equal(bars.length, 8);
    assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-9, `the probabilities ${probabilities.join(', ')} should add up to 1`);
    probabilities.forEach((p, i) => assert.equal(bars[i].width, Math.round(p * 500), `bar ${i} is ${bars[i].width} px for p = ${p}`));
    assert.deepEqual([...probabilities].sort((a, b) => b - a), probabilities);
  });

  it('cut at p = 0.9 by the engine\'s top-p filter where the diagram says, and not on a tie', () => {
    const logits = Float32Array.from(probabilities.map(Math.log)); // "others" as one token: it is last either way
    const kept = [...topP(logits, 0.9)].filter((z) => z > -Infinity).length;
    assert.equal(kept, bars.filter((b) => b.kept).length);
    const sum = probabilities.slice(0, kept).reduce((a, b) => a + b, 0);
    assert.match(svg, new RegExp(`top-p, p = 0\\.9: keep ${kept} \\(sum ${sum.toFixed(2)}\\)`));
    assert.ok(sum > 0.9 + 1e-6 && probabilities.slice(0, kept - 1).reduce((a, b) => a + b, 0) < 0.9 - 1e-6, 'the kept mass passes 0.9 strictly, without touching it');
  });
});

describe('the step 8 diagram\'s scaling plot', () => {
  const svg = read('step8-scaling-and-trends.svg');
  const fit = /<line class="fit" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"\/>/.exec(svg)!.slice(1).map(Number);
  const envelope = (x: number): number => fit[1] + ((fit[3] - fit[1]) / (fit[2] - fit[0])) * (x - fit[0]);
  const runs = [...svg.matchAll(/<path class="run" d="M([\d.]+),([\d.]+) Q([\d.]+),([\d.]+) ([\d.]+),([\d.]+)"\/>/g)].map((m) => m.slice(1).map(Number));
  const dots = [...svg.matchAll(/<circle class="dot" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);

  it('draws four runs, each touching the blue line of best losses at its dot', () => {
    assert.equal(runs.length, 4);
    assert.equal(dots.length, 4);
    for (const [x, y] of dots) assert.ok(Math.abs(envelope(x) - y) < 0.1, `dot (${x}, ${y}) is off the line`);
  });

  it('never lets a run go below the line: no run beats the best loss for its compute (SVG y grows downward)', () => {
    runs.forEach(([x0, y0, cx, cy, x1, y1], i) => {
      let closest = Infinity;
      for (let step = 0; step <= 1000; step++) {
        const t = step / 1000;
        const x = (1 - t) ** 2 * x0 + 2 * t * (1 - t) * cx + t ** 2 * x1;
        const y = (1 - t) ** 2 * y0 + 2 * t * (1 - t) * cy + t ** 2 * y1;
        const below = y - envelope(x);
        assert.ok(below <= 0.1, `run ${i + 1} is ${below.toFixed(2)} px below the line at x = ${x.toFixed(1)}`);
        closest = Math.min(closest, -below);
      }
      assert.ok(closest < 0.5, `run ${i + 1} should touch the line at its dot`);
    });
  });
});
