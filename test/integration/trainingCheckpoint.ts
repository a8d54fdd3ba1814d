// An independent reading of a checkpoint folder: transformers.js, in a Node process of its own
// (it is an ES module with its own ONNX Runtime, which the extension host should not load),
// continues a prompt greedily; the test compares that with the engine on the same folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = `
import * as path from 'node:path';
const [folder, ids, count] = process.argv.slice(2);
const tf = await import('@huggingface/transformers');
tf.env.allowRemoteModels = false;
tf.env.allowLocalModels = true;
tf.env.localModelPath = path.dirname(folder) + path.sep;
const model = await tf.AutoModelForCausalLM.from_pretrained(path.basename(folder), { local_files_only: true, dtype: 'fp32' });
const prompt = JSON.parse(ids);
const out = await model.generate({ inputs: new tf.Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]), max_new_tokens: Number(count), do_sample: false });
process.stdout.write(JSON.stringify(Array.from(out.data, Number).slice(prompt.length)));
`;

/** The greedy continuation transformers.js gives for `prompt` (token ids) from the model folder. */
export function transformersGreedy(extensionPath: string, folder: string, prompt: readonly number[], tokens: number): number[] {
  // The script sits in the repository so that '@huggingface/transformers' resolves from its node_modules.
  const dir = fs.mkdtempSync(path.join(extensionPath, 'out', 'tfjs-'));
  const script = path.join(dir, 'greedy.mjs');
  fs.writeFileSync(script, SCRIPT);
  try {
    const run = spawnSync(process.execPath, [script, folder, JSON.stringify(prompt), String(tokens)], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: 120_000,
      cwd: os.tmpdir(),
    });
    if (run.status !== 0) throw new Error(`transformers.js failed on ${folder}: ${run.stderr || run.error?.message}`);
    return JSON.parse(run.stdout) as number[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
