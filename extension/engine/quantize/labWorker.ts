// The quantization lab's entry point in its own process, bundled to dist/quantizeWorker.js: the
// graphs are rewritten and four ONNX Runtime sessions run here, never on the extension host's
// thread. Cancelling is the host ending the process; the variant files are each written atomically.

import { serveChildJob, type ChildEvent } from '../workers/childJob';
import { openWorkerChannel } from '../workers/channel';
import { isLabRequest, type LabProgress, type LabResult } from './labProtocol';
import { runQuantizationLab } from './runLab';

serveChildJob(openWorkerChannel<ChildEvent<LabProgress, LabResult>>('quantizeWorker.js'), isLabRequest, (request, progress) =>
  runQuantizationLab(request, (stage, done, total) => progress({ stage, done, total })),
);
