// "Export Training Run to PyTorch": a folder that trains the same model on the same data in the
// same order with the same hyperparameters, in plain PyTorch, on as many processes as torchrun
// starts (DistributedDataParallel):
//   train_gpt2.py     the training script (nanoGPT-style; reads and writes Hugging Face names)
//   run.json          batch, context, steps, schedule, optimizer, clipping: the run's settings
//   init/             the run's starting weights as a model folder (the seeded random
//                     initialization, or the base model a fine-tune starts from)
//   data/train.bin    the training token stream, uint32 little-endian (as nanoGPT's prepare.py writes it)
//   data/batches.bin  every step's window starts, uint32 [steps, batch]: the engine's shuffled order
//   README.md         the torchrun command
// The script writes a model folder (config.json, model.safetensors, tokenizer files) that the
// extension opens again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeModelFolder } from '../modelFolder/writeModelFolder';
import { replaceFolderAtomically } from '../train/atomicFolder';
import { BatchSampler } from '../train/dataset';
import type { TrainOptions } from '../train/options';
import { prepareRun } from '../train/runSetup';
import { gptOnly } from '../train/trainableConfig';

export const SCRIPT_NAME = 'train_gpt2.py';

/** The script: beside this file when the engine runs from source, copied beside the bundle in dist/. */
function scriptSource(): string {
  for (const dir of [__dirname, path.join(__dirname, '..', 'extension', 'engine', 'pytorchExport')]) {
    const file = path.join(dir, SCRIPT_NAME);
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  }
  throw new Error(`${SCRIPT_NAME} is missing from this installation (looked beside ${__dirname})`);
}

/** The launch command, for `processes` processes on this machine. */
export function torchrunCommand(processes: number): string {
  return `torchrun --standalone --nproc_per_node ${processes} ${SCRIPT_NAME} --out trained`;
}

export interface PyTorchExport {
  readonly dir: string;
  readonly totalSteps: number;
  readonly command: string;
}

const uint32File = (values: ArrayLike<number>): Uint8Array => {
  const array = Uint32Array.from(values);
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
};

export async function exportToPyTorch(options: TrainOptions, dir: string): Promise<PyTorchExport> {
  if (options.lora) throw new Error('a LoRA run cannot be exported to PyTorch yet: the script trains every weight');
  if (options.objective && options.objective.kind !== 'text') {
    throw new Error(`an ${options.objective.kind.toUpperCase()} run cannot be exported to PyTorch yet: the script trains on plain text windows`);
  }
  // The run as it starts, not as a checkpoint left it: the script replays it from step 0.
  const run = await prepareRun({ ...options, resume: false });
  const { B, T, sampler, totalSteps, split, tokenizer } = run;
  const config = gptOnly(run.config, 'The PyTorch export');
  if (!(sampler instanceof BatchSampler)) throw new Error('only a run over plain text windows can be exported to PyTorch');
  const starts: number[] = [];
  for (let step = 0; step < totalSteps; step++) starts.push(...sampler.startsAt(step));
  const settings = {
    batch_size: B,
    context_length: T,
    total_steps: totalSteps,
    learning_rate: options.learningRate,
    warmup_steps: options.warmupSteps,
    min_learning_rate_ratio: options.minLearningRateRatio,
    schedule: options.schedule,
    optimizer: options.optimizer,
    max_grad_norm: options.maxGradNorm,
    decay_embeddings: options.decayEmbeddings,
    seed: options.seed,
    data: options.dataPath,
  };
  const command = torchrunCommand(2);
  await replaceFolderAtomically(dir, () => false, (temp) => {
    writeModelFolder(path.join(temp, 'init'), { config, weights: run.start.weights, tokenizerJson: tokenizer.tokenizerJson });
    fs.mkdirSync(path.join(temp, 'data'));
    fs.writeFileSync(path.join(temp, 'data', 'train.bin'), uint32File(split.train));
    fs.writeFileSync(path.join(temp, 'data', 'batches.bin'), uint32File(starts));
    fs.writeFileSync(path.join(temp, 'run.json'), `${JSON.stringify(settings, null, 2)}\n`);
    fs.writeFileSync(path.join(temp, SCRIPT_NAME), scriptSource());
    fs.writeFileSync(path.join(temp, 'README.md'), readme(command, totalSteps, B, T));
  });
  return { dir, totalSteps, command };
}

function readme(command: string, steps: number, batch: number, context: number): string {
  return `# This training run, in PyTorch

${steps} steps of ${batch} sequences of ${context} tokens, from the weights in \`init/\`, in the
order of \`data/batches.bin\`. On one machine with two processes (CPU: gloo; GPUs: NCCL):

    ${command}

On several machines, run torchrun on each with \`--nnodes\`, \`--node_rank\` and
\`--rdzv_endpoint\` instead of \`--standalone\`. The batch is split evenly over the processes, so
their number must divide ${batch}. \`trained/\` is a model folder: open it in LLM Pipeline Lab with
"LLM Pipeline: Choose Model Folder". With Debian's PyTorch 1.13 on Python 3.11, torchrun also
needs \`--redirects 1 --tee 1\` (its default value fails to parse there).
`;
}
