// buildGraphFolder in its own process, bundled to dist/graphFolderWorker.js: reading the weights
// and building the graph never run on the extension host's thread.

import { openWorkerChannel } from '../workers/channel';
import { serveChildJob, type ChildEvent } from '../workers/childJob';
import { buildGraphFolder, isGraphFolderRequest, type GraphFolderResult } from './graphFolder';

serveChildJob(openWorkerChannel<ChildEvent<never, GraphFolderResult>>('graphFolderWorker.js'), isGraphFolderRequest, async (request) =>
  buildGraphFolder(request.source, request.target),
);
