// The inference process's entry point, bundled to dist/inferenceWorker.js and started by
// inferenceHost.ts: every ONNX Runtime session of a model the user chose runs here, so a native
// crash (or a graph that exhausts memory) ends this process, never the extension host. Requests
// run one at a time, in order; a request cancelled before its turn is answered with an AbortError
// and not run (one already running cannot be stopped: the host restarts this process if it has
// to). KV caches stay here, named by number; the host drops those it no
// longer holds, and each decode graph keeps at most MAX_CACHES (a generation needs the latest).

import { readModelFolder } from '../modelFolder/readModelFolder';
import type { KVCache } from '../model/languageModel';
import { openInspector, type Inspector } from '../runtime/inspection';
import { LENS_TOP_K } from '../runtime/topTokens';
import type { CausalLM } from '../runtime/causalLM';
import { openLanguageModel } from '../runtime/openModelFolder';
import { backendReport } from '../runtime/ort';
import type { Embedder } from '../rag/embedder';
import { openSentenceEmbedder } from '../rag/sentenceEmbedder';
import { openWorkerChannel } from '../workers/channel';
import { isInferenceRequest, type InferenceReply, type InferenceRequest, type PartInfo, type PartKind } from './protocol';

/** Caches kept per decode graph: beam search holds one per beam, sampling only the last. */
const MAX_CACHES = 64;

type Part =
  | { kind: 'inspector'; inspector: Inspector }
  | { kind: 'languageModel'; lm: CausalLM; caches: Map<number, KVCache> }
  | { kind: 'sentenceEmbedder'; embedder: Embedder };

const channel = openWorkerChannel<InferenceReply>('inferenceWorker.js');
const parts = new Map<number, Part>();
let nextCache = 1;
let queue: Promise<void> = Promise.resolve();
/** Requests the host cancelled before their turn came. */
const cancelled = new Set<number>();
/** The latest request taken from the queue: a cancel for it, or an earlier one, comes too late. */
let lastStarted = 0;

/** Opens a part as the extension did in its own thread (see extension/model/loadedModel.ts). */
async function open(part: PartKind, dir: string, settings: object): Promise<Part> {
  if (part === 'sentenceEmbedder') return { kind: 'sentenceEmbedder', embedder: await openSentenceEmbedder(dir, settings) };
  const folder = readModelFolder(dir);
  if (part === 'languageModel') return { kind: 'languageModel', lm: await openLanguageModel(folder, settings), caches: new Map() };
  return { kind: 'inspector', inspector: await openInspector(folder, { ...settings, logitLens: true, lensTopK: LENS_TOP_K }) };
}

function infoOf(part: Part): PartInfo {
  const backend = backendReport();
  if (part.kind === 'sentenceEmbedder') {
    const { id, label, caveat, dimensions, maxTokens } = part.embedder;
    return { vocabSize: 0, contextLength: maxTokens, embedder: { id, label, caveat, dimensions, maxTokens }, backend };
  }
  const model = part.kind === 'inspector' ? part.inspector : part.lm;
  const unavailable = part.kind === 'inspector' ? part.inspector.attentionUnavailable : undefined;
  return { vocabSize: model.vocabSize, contextLength: model.contextLength, ...(unavailable ? { attentionUnavailable: unavailable } : {}), backend };
}

function partOf<K extends Part['kind']>(handle: number, kind: K): Extract<Part, { kind: K }> {
  const part = parts.get(handle);
  if (!part || part.kind !== kind) throw new Error(`the inference process has no open ${kind} ${handle} (it was released or the process restarted)`);
  return part as Extract<Part, { kind: K }>;
}

async function run(request: Exclude<InferenceRequest, { type: 'dropCache' | 'cancel' }>): Promise<InferenceReply> {
  switch (request.type) {
    case 'open': {
      const part = await open(request.part, request.dir, request.settings);
      parts.set(request.handle, part);
      return { type: 'opened', id: request.id, info: infoOf(part) };
    }
    case 'embed':
      return { type: 'embedded', id: request.id, vector: await partOf(request.handle, 'sentenceEmbedder').embedder.embed(request.text) };
    case 'inspect':
      return { type: 'inspected', id: request.id, result: await partOf(request.handle, 'inspector').inspector.run(request.tokens) };
    case 'forward': {
      const part = partOf(request.handle, 'languageModel');
      const cache = request.cache === undefined ? undefined : part.caches.get(request.cache);
      if (request.cache !== undefined && !cache) throw new Error(`KV cache ${request.cache} is no longer held; start the generation again`);
      const result = request.all ? await part.lm.forwardAll(request.tokens, cache) : await part.lm.forward(request.tokens, cache);
      const id = nextCache++;
      part.caches.set(id, result.cache);
      // The oldest caches go first (Map keeps insertion order).
      while (part.caches.size > MAX_CACHES) part.caches.delete(part.caches.keys().next().value as number);
      return { type: 'forwarded', id: request.id, logits: result.logits, cache: { id, length: result.cache.length, bytes: result.cache.bytes } };
    }
    case 'release': {
      const part = parts.get(request.handle);
      parts.delete(request.handle);
      if (part) await (part.kind === 'inspector' ? part.inspector.release() : part.kind === 'languageModel' ? part.lm.release() : part.embedder.release());
      return { type: 'released', id: request.id };
    }
  }
}

channel.onMessage((message) => {
  if (!isInferenceRequest(message)) return;
  if (message.type === 'cancel') {
    if (message.id > lastStarted) cancelled.add(message.id);
    return;
  }
  if (message.type === 'dropCache') {
    const part = parts.get(message.handle);
    if (part?.kind === 'languageModel') part.caches.delete(message.cache);
    return;
  }
  queue = queue.then(async () => {
    lastStarted = message.id;
    if (cancelled.delete(message.id)) {
      channel.send({ type: 'failed', id: message.id, name: 'AbortError', message: 'the request was cancelled before it ran' });
      return;
    }
    try {
      channel.send(await run(message));
    } catch (error) {
      const { name, message: text } = error as Error;
      channel.send({ type: 'failed', id: message.id, name, message: text });
    }
  });
});
