// The quantization lab's entry point in its own process, bundled to dist/quantizeWorker.js: the
// graphs are rewritten and four ONNX Runtime sessions run here, never on the extension host's
// thread. Cancelling is the host ending the process: the job keeps no state worth saving, and the
// variant files are each written atomically.

import { openWorkerChannel } from '../workers/channel';
import { isLabRequest, type LabEvent } from './labProtocol';
import { runQuantizationLab } from './runLab';

const channel = openWorkerChannel<LabEvent>('quantizeWorker.js');
let started = false;

channel.onMessage((message) => {
  if (!isLabRequest(message) || started) return;
  started = true;
  runQuantizationLab(message, (stage, done, total) => channel.send({ type: 'progress', stage, done, total }))
    .then((result) => channel.send({ type: 'result', result }))
    .catch((error: Error) => channel.send({ type: 'error', message: error.message }))
    .finally(() => channel.close());
});
