// Beam search over hand-made models, checked against brute-force enumeration of every sequence.

import { strict as assert } from 'node:assert';
import { beamSearch, lengthPenalty, type BeamSearchResult } from '../../extension/engine/generate/beamSearch';
import { generate } from '../../extension/engine/generate/generate';
import { Mulberry32 } from '../../extension/engine/generate/random';
import type { ForwardResult, KVCache, LanguageModel } from '../../extension/engine/model/languageModel';

const [EOS, A, B, C] = [0, 1, 2, 3];
const PROMPT = [C];

class TokenCache implements KVCache {
  constructor(readonly tokens: readonly number[]) {}
  get length(): number {
    return this.tokens.length;
  }
  get bytes(): number {
    return this.tokens.length * 64;
  }
}

/** A model over four tokens whose next-token logits are any function of all the tokens so far. */
class FunctionModel implements LanguageModel {
  readonly vocabSize = 4;
  readonly contextLength = 16;
  forwards = 0;
  constructor(readonly logitsAfter: (tokens: readonly number[]) => number[], readonly onForward = () => {}) {}

  async forward(tokens: readonly number[], cache?: KVCache): Promise<ForwardResult> {
    this.forwards++;
    this.onForward();
    const seen = [...((cache as TokenCache | undefined)?.tokens ?? []), ...tokens];
    return { logits: Float32Array.from(this.logitsAfter(seen)), cache: new TokenCache(seen) };
  }
}

// Next-token probabilities [EOS, A, B, C] after the generated prefix. Greedy takes A (0.5), then
// A, then EOS: 0.5 · 0.3 · 0.4 = 0.06. The best sequence starts with the less likely B:
// B B EOS = 0.4 · 0.9 · 0.95 = 0.342.
const TABLE: Record<string, number[]> = {
  '': [0.01, 0.5, 0.4, 0.09],
  A: [0.1, 0.3, 0.3, 0.3],
  B: [0.05, 0.02, 0.9, 0.03],
  AA: [0.4, 0.2, 0.2, 0.2],
  AB: [0.4, 0.2, 0.2, 0.2],
  AC: [0.4, 0.2, 0.2, 0.2],
  BB: [0.95, 0.02, 0.02, 0.01],
};
const NAMES = ['<eos>', 'A', 'B', 'C'];
const tableModel = () =>
  new FunctionModel((tokens) => (TABLE[tokens.slice(PROMPT.length).map((t) => NAMES[t]).join('')] ?? [0.25, 0.25, 0.25, 0.25]).map(Math.log));

/** Logits from a hash of the whole sequence: a different random distribution after every prefix. */
const randomModel = (seed: number) =>
  new FunctionModel((tokens) => {
    const hash = tokens.reduce((h, t) => (Math.imul(h, 31) + t + 1) >>> 0, seed);
    const rng = new Mulberry32(hash);
    return [0, 1, 2, 3].map(() => (rng.next() - 0.5) * 6);
  });

function logProbabilities(logits: readonly number[]): number[] {
  const total = logits.reduce((sum, z) => sum + Math.exp(z), 0);
  return logits.map((z) => z - Math.log(total));
}

/** Every complete continuation (ends in EOS, or reaches maxNewTokens) with its GNMT score, best first. */
function bruteForce(model: FunctionModel, maxNewTokens: number, alpha: number): { tokens: number[]; score: number }[] {
  const all: { tokens: number[]; score: number }[] = [];
  const visit = (tokens: number[], logprob: number) => {
    const logprobs = logProbabilities(model.logitsAfter([...PROMPT, ...tokens]));
    for (let token = 0; token < 4; token++) {
      const next = [...tokens, token];
      const total = logprob + logprobs[token];
      if (token === EOS || next.length === maxNewTokens) all.push({ tokens: next, score: total / ((5 + next.length) / 6) ** alpha });
      else visit(next, total);
    }
  };
  visit([], 0);
  return all.sort((a, b) => b.score - a.score);
}

function assertTreeConsistent(result: BeamSearchResult, model: FunctionModel, width: number, alpha: number): void {
  const { nodes } = result;
  const pathOf = (id: number | null): number[] => (id === null ? [] : [...pathOf(nodes[id].parentId), nodes[id].token]);
  nodes.forEach((node, i) => {
    assert.equal(node.id, i);
    const parent = node.parentId === null ? null : nodes[node.parentId];
    if (parent) {
      assert.ok(parent.id < node.id, 'a parent comes before its children');
      assert.equal(parent.status, 'kept', 'only kept nodes are expanded');
      assert.equal(node.step, parent.step + 1);
    } else {
      assert.equal(node.step, 0);
    }
    const expected = logProbabilities(model.logitsAfter([...PROMPT, ...pathOf(node.parentId)]))[node.token];
    assert.ok(Math.abs(node.tokenLogprob - expected) < 1e-5, 'token log-probability');
    assert.ok(Math.abs(node.cumulativeLogprob - ((parent?.cumulativeLogprob ?? 0) + node.tokenLogprob)) < 1e-9, 'cumulative sum');
    assert.ok(Math.abs(node.score - node.cumulativeLogprob / lengthPenalty(node.step + 1, alpha)) < 1e-9, 'normalised score');
    if (node.finishedBy === 'eos') assert.equal(node.token, EOS);
    assert.equal(node.status === 'finished', node.finishedBy !== null);
  });
  const steps = new Set(nodes.map((n) => n.step));
  for (const step of steps) assert.ok(nodes.filter((n) => n.step === step && n.status === 'kept').length <= width);
  for (const beam of result.beams) {
    assert.deepEqual(beam.tokens, pathOf(beam.nodeId));
    assert.equal(beam.score, nodes[beam.nodeId].score);
  }
  result.beams.slice(1).forEach((beam, i) => assert.ok(beam.score <= result.beams[i].score, 'beams sorted by score'));
}

describe('beam search', () => {
  it('lengthPenalty is ((5 + |Y|) / 6)^α', () => {
    assert.equal(lengthPenalty(1, 0.6), 1);
    assert.ok(Math.abs(lengthPenalty(7, 0.5) - Math.sqrt(2)) < 1e-12);
    assert.equal(lengthPenalty(40, 0), 1);
  });

  for (const alpha of [0, 0.6]) {
    it(`finds the best sequence where greedy does not (α = ${alpha}), as brute force confirms`, async () => {
      const model = tableModel();
      const best = bruteForce(model, 3, alpha)[0];
      const greedyRun = await generate(tableModel(), PROMPT, { sampler: { temperature: 0 }, maxNewTokens: 3, stopTokenIds: [EOS] });
      assert.deepEqual(greedyRun.tokens, [A, A, EOS]);
      assert.deepEqual(best.tokens, [B, B, EOS]);

      const result = await beamSearch(model, PROMPT, { width: 2, maxNewTokens: 3, lengthPenalty: alpha, eosTokenIds: [EOS] });
      assert.deepEqual(result.beams[0].tokens, best.tokens);
      assert.ok(Math.abs(result.beams[0].score - best.score) < 1e-6);
      assertTreeConsistent(result, model, 2, alpha);
    });
  }

  it('with a width covering every sequence, returns exactly the brute-force ranking', async () => {
    for (let seed = 0; seed < 8; seed++) {
      for (const alpha of [0, 1]) {
        const model = randomModel(seed);
        // 64 beams prune nothing before the last step; there, 64 complete sequences outrank the pruned.
        const expected = bruteForce(model, 4, alpha).slice(0, 64);
        const result = await beamSearch(model, PROMPT, { width: 64, maxNewTokens: 4, lengthPenalty: alpha, eosTokenIds: [EOS] });
        assert.deepEqual(result.beams.map((b) => b.tokens), expected.map((e) => e.tokens), `seed ${seed}, α ${alpha}`);
        assertTreeConsistent(result, model, 64, alpha);
      }
    }
  });

  it('keeps a consistent tree on random models with a narrow beam', async () => {
    for (let seed = 0; seed < 8; seed++) {
      const model = randomModel(100 + seed);
      const result = await beamSearch(model, PROMPT, { width: 3, maxNewTokens: 6, eosTokenIds: [EOS] });
      assertTreeConsistent(result, model, 3, 0.6);
      assert.ok(result.beams.length > 0 && result.beams.length <= 3);
      assert.ok(result.nodes.some((n) => n.status === 'pruned'));
    }
  });

  it('with width 1 and α = 0 follows the greedy path', async () => {
    for (let seed = 0; seed < 8; seed++) {
      const greedyRun = await generate(randomModel(seed), PROMPT, { sampler: { temperature: 0 }, maxNewTokens: 6, stopTokenIds: [EOS] });
      const result = await beamSearch(randomModel(seed), PROMPT, { width: 1, maxNewTokens: 6, lengthPenalty: 0, eosTokenIds: [EOS] });
      assert.deepEqual(result.beams[0].tokens, greedyRun.tokens);
    }
  });

  it('without EOS tokens every beam runs to maxNewTokens', async () => {
    const result = await beamSearch(randomModel(3), PROMPT, { width: 3, maxNewTokens: 5 });
    assert.equal(result.stopReason, 'max-new-tokens');
    assert.equal(result.beams.length, 3);
    assert.ok(result.beams.every((b) => b.tokens.length === 5));
    assert.ok(result.nodes.filter((n) => n.status === 'finished').every((n) => n.finishedBy === 'max-length' && n.step === 4));
  });

  it('prefills the prompt once and feeds each kept token once', async () => {
    const model = randomModel(4);
    const result = await beamSearch(model, PROMPT, { width: 3, maxNewTokens: 5 });
    const keptBeforeLastStep = result.nodes.filter((n) => n.status === 'kept').length;
    assert.equal(model.forwards, 1 + keptBeforeLastStep);
  });

  it('an abort returns the best beams so far', async () => {
    const controller = new AbortController();
    const base = randomModel(5);
    const model = new FunctionModel(base.logitsAfter, () => {
      if (model.forwards === 7) controller.abort(); // prefill, then three beams at steps 0 and 1
    });
    const result = await beamSearch(model, PROMPT, { width: 3, maxNewTokens: 10, signal: controller.signal });
    assert.equal(result.stopReason, 'aborted');
    assert.equal(result.beams.length, 3);
    assert.ok(result.beams.every((b) => b.tokens.length === 2));
  });

  it('rejects a bad width and a prompt that does not fit', async () => {
    await assert.rejects(beamSearch(randomModel(1), PROMPT, { width: 0, maxNewTokens: 3 }), /beam width/);
    await assert.rejects(beamSearch(randomModel(1), PROMPT, { width: 2, maxNewTokens: 17 }), /does not fit/);
  });
});
