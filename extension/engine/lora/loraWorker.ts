// The LoRA worker's entry point, bundled to dist/loraWorker.js: reading an adapter, merging it into
// the base weights and running both models happen here, off the extension host's thread.

import { serveChildJob, type ChildEvent } from '../workers/childJob';
import { openWorkerChannel } from '../workers/channel';
import { adapterFacts, exportMergedModel, loadAdaptedModel } from './adaptedModel';
import { compareBaseAndAdapted } from './compareAdapted';
import { isLoraRequest, type LoraRequest, type LoraResult } from './loraProtocol';

async function run(request: LoraRequest): Promise<LoraResult> {
  if (request.type === 'merge') return adapterFacts(exportMergedModel(request.model, request.adapter, request.out));
  const adapted = loadAdaptedModel(request.model, request.adapter);
  return { ...adapterFacts(adapted), comparison: await compareBaseAndAdapted(adapted, request.prompt, request) };
}

serveChildJob(openWorkerChannel<ChildEvent<never, LoraResult>>('loraWorker.js'), isLoraRequest, run);
