// The attention panel's drawings, run through the SVG painter in Node: what an export contains is
// what the screen shows, so these check both. Also the panel's message guard.
import * as assert from 'node:assert/strict';
import { drawHeatmap, heatmapHit, heatmapLayout } from '../../webviews/attention/draw/heatmapDrawing';
import { drawLines, linesHit, linesLayout, MIN_LINE_WEIGHT } from '../../webviews/attention/draw/linesDrawing';
import { niceCeiling } from '../../webviews/attention/draw/normsDrawing';
import { SvgPainter, escapeXml } from '../../webviews/attention/draw/painter';
import { colourCells, colourPosition, colourRamp, fitLabel, parseColour, type Palette } from '../../webviews/attention/draw/palette';
import { drawScatter, scatterHit, scatterLayout, toScreen } from '../../webviews/attention/draw/scatterDrawing';
import { isAttentionRequest } from '../../webviews/attention/protocol';
import { tokenLabel } from '../../webviews/attention/tokenLabel';

const palette: Palette = {
  background: '#ffffff',
  foreground: '#000000',
  muted: '#666666',
  accent: '#0000ff',
  highlight: '#ff8800',
  grid: '#cccccc',
  focus: '#00aaff',
  fonts: { ui: 'sans-serif', mono: 'monospace', size: 12 },
  charWidth: 7,
};
const ramp = colourRamp(palette.background, palette.accent);

/** A causal T × T attention matrix whose rows sum to 1: row q spreads evenly over tokens 0..q. */
function uniformCausal(T: number): Float32Array {
  const m = new Float32Array(T * T);
  for (let q = 0; q < T; q++) for (let k = 0; k <= q; k++) m[q * T + k] = 1 / (q + 1);
  return m;
}

function rects(svg: string): Array<{ x: number; y: number; w: number; h: number; fill: string }> {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    w: Number(m[3]),
    h: Number(m[4]),
    fill: m[5],
  }));
}

describe('attention panel: drawings', () => {
  it('SVG text is escaped, control characters dropped, and the document is standalone', () => {
    const svg = new SvgPainter(10, 10, palette.fonts, 'a < b');
    svg.text(0, 0, '<script>"x" & \'y\'\u0001', { color: '#000' });
    const markup = svg.markup();
    assert.match(markup, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="10" height="10" viewBox="0 0 10 10"><title>a &lt; b<\/title>/);
    assert.ok(markup.includes('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;</text>'));
    assert.ok(!markup.includes('\u0001'));
    assert.equal(escapeXml('a\u0000b\u000bc'), 'abc');
  });

  it('cells become one rectangle per run of equal colour, transparent cells none', () => {
    const a = [10, 20, 30, 255];
    const b = [1, 2, 3, 255];
    const none = [0, 0, 0, 0];
    const rgba = Uint8ClampedArray.from([...a, ...a, ...none, ...b, ...a, ...a]);
    const svg = new SvgPainter(30, 20, palette.fonts);
    svg.cells(0, 0, 30, 20, 2, 3, rgba);
    assert.deepEqual(rects(svg.markup()), [
      { x: 0, y: 0, w: 20, h: 10, fill: 'rgb(10,20,30)' },
      { x: 0, y: 10, w: 10, h: 10, fill: 'rgb(1,2,3)' },
      { x: 10, y: 10, w: 20, h: 10, fill: 'rgb(10,20,30)' },
    ]);
  });

  it('colours follow √(value / max), from the background to the accent', () => {
    assert.equal(colourPosition(0.25, 1), 0.5);
    assert.equal(colourPosition(2, 1), 1);
    assert.equal(colourPosition(1, 0), 0);
    const cells = colourCells([0, 1, 0.25, Number.NaN], 1, ramp, true);
    assert.deepEqual([...cells.subarray(0, 4)], [0, 0, 0, 0], 'an exact zero is left blank when asked');
    assert.deepEqual([...cells.subarray(4, 8)], [0, 0, 255, 255], 'the largest value is the accent');
    assert.deepEqual([...cells.subarray(8, 12)], [127, 127, 255, 255], 'a quarter of the max sits halfway');
    assert.deepEqual([...cells.subarray(12, 16)], [0, 0, 0, 0], 'NaN is left blank');
    assert.deepEqual(parseColour('#abc'), [170, 187, 204]);
    assert.deepEqual(parseColour('#0a0b0c80'), [10, 11, 12]);
    assert.deepEqual(parseColour('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
    assert.equal(parseColour('var(--x)'), undefined);
  });

  it('the heatmap draws only the causal triangle, each cell where heatmapHit finds it', () => {
    const T = 6;
    const labels = ['The', '·fox', '·ran', '·to', '·the', '·river'];
    const layout = heatmapLayout(labels, 600, palette);
    const svg = new SvgPainter(layout.width, layout.height, palette.fonts);
    drawHeatmap(svg, layout, { matrix: uniformCausal(T), labels, title: 'Layer 1, head 1', query: 2 }, palette, ramp);
    const cells = rects(svg.markup()).filter((r) => r.fill.startsWith('rgb(') && r.y >= layout.y0 && r.x >= layout.x0 && r.x < layout.x0 + T * layout.cell && r.h === layout.cell);
    // Row q holds q + 1 equal weights: one run each, never past the diagonal.
    assert.equal(cells.length, T);
    for (const r of cells) {
      const hit = heatmapHit(layout, r.x + 0.5, r.y + 0.5);
      assert.ok(hit);
      assert.equal(hit.k, 0);
      assert.equal(Math.round(r.w / layout.cell), hit.q + 1, `row ${hit.q} ends at the diagonal`);
    }
    assert.equal(heatmapHit(layout, layout.x0 - 1, layout.y0), undefined);
    assert.ok(svg.markup().includes('>·river</text>'));
    assert.ok(svg.markup().includes('stroke="#ff8800"'), 'the chosen query row is outlined');
  });

  it('attention lines: one line per weight above the floor, thicker for larger weights', () => {
    const T = 4;
    const matrix = Float32Array.from([1, 0, 0, 0, 0.995, 0.005, 0, 0, 0.2, 0.3, 0.5, 0, 0.25, 0.25, 0.25, 0.25]);
    const labels = ['a', 'b', 'c', 'd'];
    const layout = linesLayout(T, palette);
    const svg = new SvgPainter(layout.width, layout.height, palette.fonts);
    drawLines(svg, layout, { matrix, labels, title: 'x', query: 2 }, palette);
    const lines = [...svg.markup().matchAll(/<line [^>]*stroke-width="([\d.]+)"/g)].map((m) => Number(m[1]));
    const expected = [...matrix].filter((w) => w >= MIN_LINE_WEIGHT);
    assert.equal(lines.length, expected.length);
    assert.equal(Math.max(...lines), 0.5 + 5 * 1);
    assert.deepEqual(linesHit(layout, 1, layout.top + 2.5 * layout.row), { side: 'query', index: 2 });
    assert.deepEqual(linesHit(layout, layout.rightX + 1, layout.top + 0.5 * layout.row), { side: 'key', index: 0 });
    assert.equal(linesHit(layout, (layout.leftX + layout.rightX) / 2, layout.top + 1), undefined);
  });

  it('the scatter plot maps data to the plot box and finds the point under the pointer', () => {
    const content = {
      tokens: { x: [0, 1], y: [0, 1], labels: ['a', 'b'] },
      vocabulary: { x: [-1, 0.5], y: [-1, 0.2], labels: ['c', 'd'] },
      explained: [0.3, 0.2] as [number, number],
      title: 't',
      query: -1,
    };
    const layout = scatterLayout(content, 400, 300);
    const [x0, y0] = toScreen(layout, -1, -1);
    const [x1, y1] = toScreen(layout, 1, 1);
    assert.ok(x0 > layout.left && x1 < layout.left + layout.plotWidth && y0 > y1, 'y grows upwards, all points inside');
    assert.deepEqual(scatterHit(layout, content, x1 + 3, y1 - 3), { kind: 'token', index: 1 });
    const [vx, vy] = toScreen(layout, 0.5, 0.2);
    assert.deepEqual(scatterHit(layout, content, vx, vy), { kind: 'vocabulary', index: 1 });
    assert.equal(scatterHit(layout, content, 0, 0), undefined);
  });

  it('the scatter plot writes a label only where it covers no other, the chosen token\'s always', () => {
    const tokens = { x: [0, 0, 0.001, 1], y: [0, 0, 0, 1], labels: ['·the', '·the', '·then', '·fox'] };
    const labelled = (query: number) => {
      const content = { tokens, explained: [0.5, 0.2] as [number, number], title: 't', query };
      const svg = new SvgPainter(400, 300, palette.fonts);
      drawScatter(svg, scatterLayout(content, 400, 300), content, palette);
      return [...svg.markup().matchAll(/font-family="monospace"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    };
    assert.deepEqual(labelled(-1), ['·the', '·fox'], 'the second ·the and ·then would cover the first');
    assert.deepEqual(labelled(2), ['·then', '·fox'], 'the chosen token is labelled first');
  });

  it('labels: whitespace made visible, long ones cut, axis tops rounded', () => {
    assert.equal(tokenLabel(' the\n'), '·the↵');
    assert.equal(tokenLabel(''), '∅');
    assert.equal(fitLabel('abcdefgh', 5), 'abcd…');
    assert.equal(fitLabel('🎉🎉', 2), '🎉🎉');
    assert.deepEqual([0.7, 1, 3, 24, 260].map(niceCeiling), [1, 1, 5, 25, 500]);
  });
});

describe('attention panel: message guard', () => {
  const state = { text: 'hi', tab: 'lens', layer: 0, head: -1, query: -1, showVocabulary: true };
  it('accepts what the webview sends', () => {
    for (const message of [
      { type: 'ready', payload: {} },
      { type: 'ready', payload: { state } },
      { type: 'selectHead', payload: { runId: 3, layer: 1, head: -1 } },
      { type: 'focusToken', payload: { runId: 3, index: null, layer: 0, head: 2 } },
      { type: 'drawn', payload: { runId: 3, drawMilliseconds: 12.5 } },
      { type: 'export', payload: { format: 'svg', name: 'logit-lens', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' } },
      { type: 'export', payload: { format: 'png', name: 'attention-L1-H2', data: 'iVBORw0KGgo=' } },
      { type: 'chooseModel', payload: {} },
    ]) {
      assert.ok(isAttentionRequest(message), JSON.stringify(message));
    }
  });

  it('rejects anything else', () => {
    for (const message of [
      { type: 'ready', payload: { state: { ...state, tab: 'files' } } },
      { type: 'ready', payload: { state: { ...state, query: -2 } } },
      { type: 'selectHead', payload: { runId: 3, layer: 1, head: -2 } },
      { type: 'selectHead', payload: { runId: -1, layer: 1, head: 0 } },
      { type: 'focusToken', payload: { runId: 3, index: 0.5, layer: 0, head: 0 } },
      { type: 'drawn', payload: { runId: 3, drawMilliseconds: -1 } },
      { type: 'export', payload: { format: 'svg', name: '../up', data: '<svg/>' } },
      { type: 'export', payload: { format: 'svg', name: '.hidden', data: '<svg/>' } },
      { type: 'export', payload: { format: 'svg', name: 'x', data: '<html>' } },
      { type: 'export', payload: { format: 'png', name: 'x', data: 'not base64!' } },
      { type: 'export', payload: { view: 'lens', format: 'png', name: 'x', data: 'AAAA' } },
      { type: 'export', payload: { format: 'gif', name: 'x', data: 'AAAA' } },
      { type: 'chooseModel', payload: { folder: '/etc' } },
      { type: 'nonsense', payload: {} },
      'ready',
      null,
    ]) {
      assert.equal(isAttentionRequest(message), false, JSON.stringify(message));
    }
  });
});
