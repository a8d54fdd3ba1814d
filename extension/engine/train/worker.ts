// The training job's entry point, bundled to dist/trainWorker.js. It runs in a worker thread
// (worker_threads) or in a child process (child_process.fork), whichever the host chose, and
// speaks the same messages (protocol.ts) over either channel: `start` runs train() or trainDpo()
// (runObjective.ts), `estimate` measures a run before it starts, `compare` continues a prompt with
// several model folders, `previewData` shows SFT or DPO data as a run will read it,
// `exportPyTorch` writes a run as a PyTorch script (pytorchExport/),
// `sweep` and `sweep-check` run a scaling sweep and train its prediction, `speculative` times
// speculative decoding against greedy, `forgetting` measures forgetting, `cancel` aborts a run, a
// sweep or a forgetting measurement, and every event goes back to the host.

import { measureForgetting } from '../continualLearning/forgetting';
import { measureSpeculative } from '../generate/speculativeRun';
import { exportToPyTorch } from '../pytorchExport/exportRun';
import { checkPrediction, runSweep } from '../scalingSweep/sweep';
import { openWorkerChannel } from '../workers/channel';
import { continueWithEach } from './compareModels';
import { estimateTraining } from './estimate';
import { previewInstructionData } from './instruct/dataPreview';
import { isHostToWorker, type TrainEvent } from './protocol';
import { runTraining } from './runObjective';

const channel = openWorkerChannel<TrainEvent>('trainWorker.js');
const controller = new AbortController();
let started = false;

channel.onMessage((message) => {
  if (!isHostToWorker(message)) return;
  if (message.type === 'cancel') {
    controller.abort();
    return;
  }
  if (started) return;
  started = true;
  const job =
    message.type === 'estimate' ? estimateTraining(message.options).then((estimate) => channel.send({ type: 'estimate', estimate }))
    : message.type === 'compare' ? continueWithEach(message.request).then((columns) => channel.send({ type: 'comparison', columns }))
    : message.type === 'previewData' ? previewInstructionData(message.options).then((preview) => channel.send({ type: 'dataPreview', preview }))
    : message.type === 'exportPyTorch' ? exportToPyTorch(message.options, message.dir).then((result) => channel.send({ type: 'exported', result }))
    : message.type === 'sweep' ? runSweep(message.options, { signal: controller.signal, onEvent: (event) => channel.send(event) })
    : message.type === 'speculative' ? measureSpeculative(message.request).then((report) => channel.send({ type: 'speculative-report', report }))
    : message.type === 'forgetting' ?
      measureForgetting(message.options, { signal: controller.signal, onEvent: (event) => channel.send(event) })
        .then((curves) => channel.send({ type: 'forgetting-done', curves, cancelled: controller.signal.aborted }))
    : message.type === 'sweep-check' ? checkPrediction(message.outDir, { signal: controller.signal, onEvent: (event) => channel.send(event) })
    : runTraining(message.options, { signal: controller.signal, onEvent: (event) => channel.send(event) });
  job
    .catch((error: Error) => channel.send({ type: 'error', message: error.message }))
    .finally(() => channel.close());
});
