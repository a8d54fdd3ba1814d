// The WebAssembly backend (onnxruntime-web) runs the engine's graphs as the native one does: the
// bundled model's decode and inspection graphs, and a training step. A process runs one backend,
// so each runs in a child process (test/fixtures/ortBackend/runGraphs.ts) chosen by the same
// environment variable the extension sets; the native run is the reference.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { backendChoice, loadBackend, ORT_BACKEND_ENV } from '../../extension/engine/runtime/ortBackend';

interface Run {
  readonly report: { readonly backend: string; readonly version: string; readonly fallbackReason?: string };
  readonly logits: number[];
  readonly attention: number[];
  readonly logitLens: number[];
  readonly step: { readonly loss: number; readonly gradNorm: number; readonly updated: number[] };
}

function runGraphs(backend: string, preload: string[] = []): Run {
  const stdout = execFileSync(process.execPath, [...preload, '--import', 'tsx', 'test/fixtures/ortBackend/runGraphs.ts'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, [ORT_BACKEND_ENV]: backend },
  });
  return JSON.parse(stdout) as Run;
}

function maxDifference(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((max, x, i) => Math.max(max, Math.abs(x - b[i])), 0);
}

describe('ONNX Runtime backends', () => {
  let native: Run;
  let wasm: Run;
  before(function () {
    this.timeout(180_000);
    native = runGraphs('auto');
    wasm = runGraphs('webassembly');
  });

  it('auto runs the native library here; webassembly runs onnxruntime-web', () => {
    assert.equal(native.report.backend, 'native');
    assert.equal(native.report.fallbackReason, undefined);
    assert.equal(wasm.report.backend, 'webassembly');
    assert.match(wasm.report.version, /^\d+\.\d+\.\d+/);
  });

  it("gives the bundled model's logits within 1e-4 of the native backend's", () => {
    assert.ok(native.logits.length > 0);
    assert.ok(maxDifference(wasm.logits, native.logits) < 1e-4, `max |Δlogit| ${maxDifference(wasm.logits, native.logits)}`);
  });

  it("runs the inspection graph: attention and logit lens within 1e-4 of the native backend's", () => {
    assert.ok(maxDifference(wasm.attention, native.attention) < 1e-4);
    assert.ok(maxDifference(wasm.logitLens, native.logitLens) < 1e-4);
  });

  it('runs a training step: the same loss, gradient norm and updated weights', () => {
    assert.ok(Math.abs(wasm.step.loss - native.step.loss) < 1e-4, `loss ${wasm.step.loss} against ${native.step.loss}`);
    assert.ok(Math.abs(wasm.step.gradNorm - native.step.gradNorm) < 1e-4);
    assert.ok(maxDifference(wasm.step.updated, native.step.updated) < 1e-5);
  });

  it('auto falls back to WebAssembly when onnxruntime-node cannot load, and says why', function () {
    this.timeout(120_000);
    const fallback = runGraphs('auto', ['-r', './test/fixtures/ortBackend/withoutNativeOrt.cjs']);
    assert.equal(fallback.report.backend, 'webassembly');
    assert.match(fallback.report.fallbackReason ?? '', /onnxruntime-node cannot load on .*onnxruntime_binding\.node/);
    assert.ok(maxDifference(fallback.logits, native.logits) < 1e-4);
  });

  it('reads the choice from the environment and names the variable when it is not a backend', () => {
    assert.equal(backendChoice({}), 'auto');
    assert.equal(backendChoice({ [ORT_BACKEND_ENV]: 'webassembly' }), 'webassembly');
    assert.throws(() => backendChoice({ [ORT_BACKEND_ENV]: 'gpu' }), /LLM_PIPELINE_ORT_BACKEND="gpu": not a backend \(give auto or webassembly\)/);
  });

  it('the CLI takes --backend before or after the command, and its backend command says which one runs', () => {
    const cli = (...args: string[]) =>
      JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'extension/engine/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, [ORT_BACKEND_ENV]: '' } }));
    assert.deepEqual({ ...cli('backend', '--json'), version: '' }, { choice: 'auto', backend: 'native', version: '' });
    assert.equal(cli('--backend', 'webassembly', 'backend', '--json').backend, 'webassembly');
    assert.equal(cli('backend', '--backend', 'webassembly', '--json').choice, 'webassembly');
  });

  it('loads onnxruntime-web with its .wasm and .mjs files from its own folder, not the network', () => {
    const { ort } = loadBackend('webassembly');
    const paths = (ort.env.wasm as { wasmPaths?: { wasm: string; mjs: string } }).wasmPaths;
    assert.match(paths?.wasm ?? '', /node_modules[\\/]onnxruntime-web[\\/]dist[\\/]ort-wasm-simd-threaded\.wasm$/);
    assert.match(paths?.mjs ?? '', /ort-wasm-simd-threaded\.mjs$/);
  });
});
