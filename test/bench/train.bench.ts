// Training throughput of the one-graph training step (forward, backward, AdamW in ONNX Runtime)
// on the reference configuration: 4 layers, 4 heads, 128 dims, context 256, vocab 4096, batch 16.
//
// Model FLOPs utilization: MFU = achieved model FLOP/s / ONNX Runtime's MatMul FLOP/s measured in
// the same run. Model FLOPs per token (Kaplan et al. 2020; PaLM appendix B):
//   6·N            N = weights that multiply activations (blocks + tied output layer), 2 forward + 4 backward
//   + 12·L·T·C     attention scores q·kᵀ and the weighted sum p·v, forward and backward, full T×T
// A PyTorch run of the same model is the peer when python3-torch is installed
// (apt-get install -y python3-torch libopenblas0-pthread); otherwise it is skipped with a note.

import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import type { GPTConfig } from '../../extension/engine/gpt/config';
import { gpt2Parameters } from '../../extension/engine/gpt/parameters';
import { randomWeights } from '../../extension/engine/gpt/randomWeights';
import { GraphBuilder } from '../../extension/engine/onnx';
import { loadOrt, openSession } from '../../extension/engine/runtime/ort';
import type { Batch } from '../../extension/engine/train/dataset';
import { Mulberry32 } from '../../extension/engine/generate/random';
import { StepRunner } from '../../extension/engine/train/stepRunner';
import { median, report, timeRepeats, type Bench } from './bench';

const CONFIG: GPTConfig = { n_layer: 4, n_head: 4, n_embd: 128, n_positions: 256, vocab_size: 4096, layer_norm_epsilon: 1e-5 };
const BATCH = 16;
const CONTEXT = 256;
const WARMUP_STEPS = 8;
const TIMED_STEPS = 12;
/** The peer figure quoted for PyTorch 1.13 on this kind of machine, used when torch is absent. */
const QUOTED_PYTORCH_TOKENS_PER_SECOND = 2500;

export function modelFlopsPerToken(config: GPTConfig, context: number): number {
  const matrices = gpt2Parameters(config).filter((p) => p.dims.length === 2 && p.name !== 'transformer.wpe.weight');
  const n = matrices.reduce((s, p) => s + p.dims[0] * p.dims[1], 0);
  return 6 * n + 12 * config.n_layer * context * config.n_embd;
}

/**
 * A graph of `chain` MatMuls [m, k]·[k, n] then [m, n]·[n, k], back and forth, returning one value:
 * matrix products at the model's own shapes with their results kept inside ONNX Runtime, as in
 * the training graph (a one-node graph would time copying its output out, too).
 */
async function matMulSession(m: number, k: number, n: number, chain: number): Promise<{ run: () => Promise<unknown>; flops: number; release: () => Promise<void> }> {
  const g = new GraphBuilder({ name: 'matmul_chain' });
  const random = new Mulberry32(1);
  const fill = (count: number) => Float32Array.from({ length: count }, () => (random.next() - 0.5) * 0.1);
  let x = g.input('x', 'float32', [m, k]);
  const up = g.initializer('up', fill(k * n), [k, n]);
  const down = g.initializer('down', fill(n * k), [n, k]);
  for (let i = 0; i < chain; i++) x = g.op('MatMul', [x, i % 2 === 0 ? up : down]);
  const corner = g.op('Slice', [x, g.constant(BigInt64Array.of(0n, 0n), [2]), g.constant(BigInt64Array.of(1n, 1n), [2])]);
  g.output(corner, { name: 'corner', dtype: 'float32', dims: [1, 1] });
  const session = await openSession(g.toBytes(), 'matmul graph');
  const { Tensor } = loadOrt();
  const feeds = { x: new Tensor('float32', fill(m * k), [m, k]) };
  return { run: () => session.run(feeds), flops: 2 * m * k * n * chain, release: () => session.release() };
}

function randomBatch(random: Mulberry32): Batch {
  const tokens = () => BigInt64Array.from({ length: BATCH * CONTEXT }, () => BigInt(random.nextInt(CONFIG.vocab_size)));
  return { inputs: tokens(), targets: tokens(), batchSize: BATCH, contextLength: CONTEXT };
}

async function trainingRunner(): Promise<{ run: () => Promise<unknown>; release: () => Promise<void> }> {
  const weights = randomWeights(CONFIG, 1);
  const runner = await StepRunner.create(
    { config: CONFIG, batchSize: BATCH, contextLength: CONTEXT, optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1 } },
    new Map([...weights].map(([name, t]) => [name, t.data])),
  );
  const random = new Mulberry32(2);
  const batches = Array.from({ length: 4 }, () => randomBatch(random));
  let step = 0;
  return { run: () => runner.step(batches[step % batches.length], step++, 1e-3, 1), release: () => runner.release() };
}

interface Timing {
  readonly median: number;
  /** The fastest repeat: the closest figure to an idle machine when other work shares the cores. */
  readonly best: number;
}

const timing = (times: readonly number[]): Timing => ({ median: median(times), best: Math.min(...times) });

/** Times `a` and `b` alternately, so that both see the same load from whatever else runs here. */
async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>, repeats: number): Promise<[Timing, Timing]> {
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < repeats; i++) {
    timesA.push(...(await timeRepeats(a, 1, 0)));
    timesB.push(...(await timeRepeats(b, 1, 0)));
  }
  return [timing(timesA), timing(timesB)];
}

const PYTORCH_PEER = String.raw`
import json, math, sys, time, torch, torch.nn as nn, torch.nn.functional as F
L, H, C, T, V, B = 4, 4, 128, 256, 4096, 16
torch.manual_seed(0); torch.set_num_threads(int(sys.argv[1]))
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln_1 = nn.LayerNorm(C); s.c_attn = nn.Linear(C, 3 * C); s.c_proj = nn.Linear(C, C)
        s.ln_2 = nn.LayerNorm(C); s.c_fc = nn.Linear(C, 4 * C); s.mlp_proj = nn.Linear(4 * C, C)
        s.register_buffer('mask', torch.tril(torch.ones(T, T, dtype=torch.bool)))
    def forward(s, x):
        q, k, v = s.c_attn(s.ln_1(x)).split(C, dim=2)
        q, k, v = [t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v)]
        a = (q @ k.transpose(-2, -1)) / math.sqrt(C // H)
        a = F.softmax(a.masked_fill(~s.mask, -1e9), dim=-1)
        x = x + s.c_proj((a @ v).transpose(1, 2).reshape(B, T, C))
        return x + s.mlp_proj(F.gelu(s.c_fc(s.ln_2(x)), approximate='tanh'))
class GPT(nn.Module):
    def __init__(s):
        super().__init__(); s.wte = nn.Embedding(V, C); s.wpe = nn.Embedding(T, C)
        s.h = nn.ModuleList([Block() for _ in range(L)]); s.ln_f = nn.LayerNorm(C)
    def forward(s, idx, targets):
        x = s.wte(idx) + s.wpe(torch.arange(T))
        for b in s.h: x = b(x)
        return F.cross_entropy((s.ln_f(x) @ s.wte.weight.t()).view(-1, V), targets.view(-1))
model = GPT(); opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
def step():
    idx = torch.randint(0, V, (B, T)); tgt = torch.randint(0, V, (B, T))
    loss = model(idx, tgt); opt.zero_grad(set_to_none=True); loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
for _ in range(3): step()
times = []
for _ in range(8):
    t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({'version': torch.__version__, 'step_s': times[len(times) // 2], 'best_s': times[0]}))
`;

/** Debian's python3-torch lives in the system Python, which a pyenv or venv python3 on PATH hides. */
const PYTHONS = ['python3', '/usr/bin/python3'];

function pytorchPeer(): { version: string; stepMs: number; bestMs: number } | string {
  let why = 'no python3';
  for (const python of PYTHONS) {
    const result = spawnSync(python, ['-c', PYTORCH_PEER, String(os.availableParallelism())], { encoding: 'utf8', timeout: 600_000 });
    if (!result.error && result.status === 0) {
      const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { version: string; step_s: number; best_s: number };
      return { version: parsed.version, stepMs: parsed.step_s * 1000, bestMs: parsed.best_s * 1000 };
    }
    why = result.error?.message ?? result.stderr.trim().split('\n').at(-1) ?? 'failed';
  }
  return `PyTorch peer skipped (${why}); apt-get install -y python3-torch libopenblas0-pthread enables it`;
}

export const bench: Bench = {
  name: 'train',
  description: `training step (forward + backward + AdamW in one ONNX graph), ${CONFIG.n_layer} layers, ${CONFIG.n_head} heads, ${CONFIG.n_embd} dims, context ${CONTEXT}, vocab ${CONFIG.vocab_size}, batch ${BATCH}`,
  async run() {
    const tokens = BATCH * CONTEXT;
    const flopsPerToken = modelFlopsPerToken(CONFIG, CONTEXT);
    report('model FLOPs per token (6N + 12·L·T·C)', flopsPerToken / 1e6, 'MFLOP');

    const square = await matMulSession(1024, 1024, 1024, 2);
    const shaped = await matMulSession(BATCH * CONTEXT, CONFIG.n_embd, 4 * CONFIG.n_embd, 8);
    const trainer = await trainingRunner();
    const began = performance.now();
    await trainer.run();
    report('first training step (memory arena warm-up)', performance.now() - began, 'ms');
    for (let i = 1; i < WARMUP_STEPS; i++) await trainer.run();
    await timeRepeats(square.run, 2, 1);
    await timeRepeats(shaped.run, 2, 1);

    const [step, squareMs] = await interleaved(trainer.run, square.run, TIMED_STEPS);
    const [, shapedMs] = await interleaved(trainer.run, shaped.run, 4);
    await Promise.all([trainer.release(), square.release(), shaped.release()]);
    const ours = { median: 0, best: 0 };
    for (const which of ['median', 'best'] as const) {
      const squareGflops = square.flops / squareMs[which] / 1e6;
      const shapedGflops = shaped.flops / shapedMs[which] / 1e6;
      const stepTokensPerSecond = (tokens / step[which]) * 1000;
      const achieved = (flopsPerToken * stepTokensPerSecond) / 1e9;
      console.log(`  ${which === 'median' ? `median of ${TIMED_STEPS} interleaved repeats` : 'fastest repeat of each (least disturbed by other load)'}:`);
      report('  ORT MatMul 1024x1024x1024', squareGflops, 'GFLOP/s');
      report(`  ORT MatMul ${BATCH * CONTEXT}x${CONFIG.n_embd}x${4 * CONFIG.n_embd} and back, chained`, shapedGflops, 'GFLOP/s');
      report('  training step', step[which], 'ms');
      report('  training throughput', stepTokensPerSecond, 'tokens/s');
      report('  achieved model FLOP/s', achieved, 'GFLOP/s');
      report('  MFU (vs the faster MatMul above)', (100 * achieved) / Math.max(squareGflops, shapedGflops), '%');
      ours[which] = stepTokensPerSecond;
    }

    const peer = pytorchPeer();
    if (typeof peer === 'string') {
      console.log(`  ${peer}`);
      report(`ratio to the quoted PyTorch 1.13 figure (${QUOTED_PYTORCH_TOKENS_PER_SECOND} tok/s)`, ours.median / QUOTED_PYTORCH_TOKENS_PER_SECOND, '×', 'median');
    } else {
      const peerMedian = (tokens / peer.stepMs) * 1000;
      const peerBest = (tokens / peer.bestMs) * 1000;
      report(`PyTorch ${peer.version}, same model, median step`, peerMedian, 'tokens/s', `step ${peer.stepMs.toFixed(0)} ms`);
      report(`PyTorch ${peer.version}, fastest step`, peerBest, 'tokens/s', `step ${peer.bestMs.toFixed(0)} ms`);
      report('ratio ONNX Runtime / PyTorch, medians', ours.median / peerMedian, '×');
      report('ratio ONNX Runtime / PyTorch, fastest steps', ours.best / peerBest, '×');
    }
  },
};
