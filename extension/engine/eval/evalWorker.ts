// The eval process's entry point, bundled to dist/evalWorker.js and started by evalWorkerHost.ts:
// surprise scoring and suite runs happen here, off the extension host's thread, in a process of
// their own so that a long run does not queue ahead of the inspectors' requests in the inference
// process. The last model opened stays open for the next job while its files are unchanged. Jobs run one at a time; `cancel`
// aborts one between windows or tests.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DECODE_GRAPH_NAMES } from '../modelFolder/readModelFolder';
import { openWorkerChannel } from '../workers/channel';
import { type EvalReply, type EvalRequest, isEvalRequest } from './evalJobs';
import { type EvalModel, openEvalModel } from './evalModel';
import { modelHash } from './modelHash';
import { runSuite } from './runSuite';
import { parseSuite } from './suiteFile';
import { scoreSurprise } from './surprise';
import { packSurprise } from './surpriseColumns';

const channel = openWorkerChannel<EvalReply>('evalWorker.js');
// A background job: at a lower priority (nice 10) the extension host gets the cores first when both
// want them, so scoring a long file does not make the editor stall. Where the system refuses, it
// runs at normal priority.
try {
  os.setPriority(10);
} catch {}
const controllers = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();
let open: { dir: string; stamp: string; lm: Promise<EvalModel> } | undefined;

/** The files a model is loaded from, with their size, time and inode: a model trained or exported again into the same folder reads differently. */
function folderStamp(dir: string): string {
  const names = ['config.json', 'tokenizer.json', 'model.safetensors', ...DECODE_GRAPH_NAMES.flatMap((name) => [`onnx/${name}`, name])];
  return names
    .map((name) => {
      const stat = fs.statSync(path.join(dir, name), { throwIfNoEntry: false });
      return stat ? `${name}:${stat.size}:${stat.mtimeMs}:${stat.ino}` : '';
    })
    .join('|');
}

/** The model of `dir`, kept open from the last job unless its files changed since. */
function model(dir: string): Promise<EvalModel> {
  const stamp = folderStamp(dir);
  if (open?.dir !== dir || open.stamp !== stamp) {
    const previous = open;
    const lm = openEvalModel(dir);
    open = { dir, stamp, lm };
    // A model that fails to open is not kept: the next job tries again.
    lm.catch(() => open?.lm === lm && (open = undefined));
    void previous?.lm.then((old) => old.release()).catch(() => undefined);
  }
  return open.lm;
}

async function run(request: Exclude<EvalRequest, { type: 'cancel' }>, signal: AbortSignal): Promise<EvalReply> {
  signal.throwIfAborted();
  const lm = await model(request.model);
  if (request.type === 'surprise') {
    const onProgress = (done: number, total: number) => channel.send({ type: 'progress', id: request.id, done, total });
    const report = await scoreSurprise(lm, request.text, { window: request.window, stride: request.stride, signal, onProgress });
    return { type: 'surprised', id: request.id, report: packSurprise(report), modelName: lm.folder.name };
  }
  const parsed = parseSuite(request.suiteText);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
  await runSuite(lm, parsed.suite, { dir: request.dir, root: request.root }, {
    signal,
    only: request.only ? new Set(request.only) : undefined,
    onStart: (test) => channel.send({ type: 'testStarted', id: request.id, name: test.name }),
    onResult: (result) => channel.send({ type: 'testResult', id: request.id, result }),
  });
  return { type: 'suiteDone', id: request.id, modelName: lm.folder.name, modelHash: await modelHash(lm.folder) };
}

channel.onMessage((message) => {
  if (!isEvalRequest(message)) return;
  if (message.type === 'cancel') {
    controllers.get(message.id)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(message.id, controller);
  queue = queue.then(async () => {
    try {
      channel.send(await run(message, controller.signal));
    } catch (error) {
      const { name, message: text } = error as Error;
      channel.send({ type: 'failed', id: message.id, name, message: text });
    } finally {
      controllers.delete(message.id);
    }
  });
});
