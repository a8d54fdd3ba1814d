// Pure helpers of the Decoding Playground: fitting a prompt into the context, writing a token on
// a bar, laying text out in lines, and placing the beam search tree.
import { strict as assert } from 'node:assert';
import { fitPrompt, roomToGenerate } from '../../extension/decoding/promptWindow';
import { tokenLabel } from '../../extension/decoding/tokenLabels';
import { layoutBeamTree } from '../../webviews/decoding/beamLayout';
import type { BeamNodeView } from '../../webviews/decoding/protocol';
import { isDecodingRequest } from '../../webviews/decoding/protocol';
import { layoutTokens } from '../../webviews/decoding/textLayout';

describe('Decoding Playground helpers', () => {
  it('a prompt that fits is kept whole; a longer one keeps its last tokens and leaves room to generate', () => {
    const short = [1, 2, 3];
    assert.deepEqual(fitPrompt(short, 8), { tokens: short, dropped: 0 });
    const long = Array.from({ length: 300 }, (_, i) => i);
    const fitted = fitPrompt(long, 256);
    assert.equal(fitted.tokens.length + roomToGenerate(256), 256);
    assert.equal(fitted.dropped, 300 - fitted.tokens.length);
    assert.deepEqual(fitted.tokens.slice(-2), [298, 299], 'the most recent tokens stay');
    // Exactly the context length leaves no place for a new token, so it is cut too.
    assert.ok(fitPrompt(Array.from({ length: 8 }, () => 0), 8).dropped > 0);
  });

  it('token labels make whitespace visible and write partial characters as hex', () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    assert.equal(tokenLabel(utf8(' the')), '·the');
    assert.equal(tokenLabel(utf8('\n\t')), '↵→');
    assert.equal(tokenLabel(new Uint8Array([0xe2, 0x80])), '<e2 80>');
    assert.equal(tokenLabel(utf8('\u0001')), '␁');
    assert.equal(tokenLabel(new Uint8Array(), undefined), '∅');
    assert.equal(tokenLabel(utf8('x'), '<|endoftext|>'), '<|endoftext|>');
  });

  it('text layout breaks lines between tokens and at newlines, drawn as ↵', () => {
    const width = (s: string) => s.length * 10;
    const placed = layoutTokens(['Once', ' upon', ' a', '\ntime'], 110, width);
    assert.deepEqual(
      placed.map((p) => [p.text, p.token, p.line, p.x]),
      [
        ['Once', 0, 0, 0],
        [' upon', 1, 0, 40],
        [' a', 2, 0, 90],
        ['↵', 3, 0, 110],
        ['time', 3, 1, 0],
      ],
    );
    // ' a' at x = 90 would end at 110 > 100: it goes to the next line.
    const wrapped = layoutTokens(['Once', ' upon', ' a'], 100, width);
    assert.deepEqual(wrapped.map((p) => p.line), [0, 0, 1]);
    // A token that is only newlines still gets a piece for each.
    assert.deepEqual(layoutTokens(['a', '\n\n', 'b'], 100, width).map((p) => [p.text, p.token, p.line]), [
      ['a', 0, 0],
      ['↵', 1, 0],
      ['↵', 1, 1],
      ['b', 2, 2],
    ]);
  });

  it('beam tree layout groups children under their parent, most probable first', () => {
    const node = (id: number, parentId: number | null, step: number, logprob: number): BeamNodeView => ({
      id,
      parentId,
      step,
      label: `t${id}`,
      logprob,
      score: logprob,
      status: 'kept',
      best: false,
    });
    const nodes = [node(0, null, 0, -1), node(1, null, 0, -0.5), node(2, 1, 1, -2), node(3, 0, 1, -0.1), node(4, 1, 1, -0.3)];
    const { placed, columns, rows } = layoutBeamTree(nodes);
    const row = new Map(placed.map((p) => [p.node.id, p.row]));
    assert.equal(columns, 2);
    assert.equal(rows, 3);
    assert.deepEqual([row.get(1), row.get(0)], [0, 1], 'step 0: the more probable first');
    // Children of node 1 (row 0) come before the child of node 0 (row 1); among them, the more probable first.
    assert.deepEqual([row.get(4), row.get(2), row.get(3)], [0, 1, 2]);
  });

  it('the message guard accepts well-formed requests and refuses bad ones', () => {
    const controls = { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, seed: 3 };
    assert.ok(isDecodingRequest({ type: 'setControls', payload: controls }));
    assert.ok(isDecodingRequest({ type: 'pick', payload: { token: 42 } }));
    assert.ok(isDecodingRequest({ type: 'compare', payload: { width: 3, lengthPenalty: 0.6, maxNewTokens: 12 } }));
    assert.ok(isDecodingRequest({ type: 'export', payload: { name: 'decoding-bars', format: 'svg', data: '<svg></svg>' } }));
    assert.ok(!isDecodingRequest({ type: 'setControls', payload: { ...controls, topP: 0 } }), 'top-p must be above 0');
    assert.ok(!isDecodingRequest({ type: 'setControls', payload: { ...controls, temperature: -1 } }));
    assert.ok(!isDecodingRequest({ type: 'pick', payload: { token: 1.5 } }));
    assert.ok(!isDecodingRequest({ type: 'generate', payload: { count: 0 } }));
    assert.ok(!isDecodingRequest({ type: 'export', payload: { name: 'decoding-bars', format: 'gif', data: '' } }));
    assert.ok(!isDecodingRequest({ type: 'insert', payload: { source: 'file:///etc/passwd' } }));
    assert.ok(!isDecodingRequest({ type: 'next', payload: { extra: 1 } }));
  });
});
