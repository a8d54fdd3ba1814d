// The extension's side of the inference process (inferenceWorker.ts): one long-lived child
// process runs every ONNX Runtime session of a model the user chose, so that a native crash or a
// graph that exhausts memory ends that process and never the extension host. The parts it hands
// out (an Inspector, a LanguageModel) have the same methods as the ones opened in this thread, so
// the panels do not know the difference. When the process dies, the requests it held fail with a
// message that says so, and the next request starts a fresh process and opens its parts again.
// A KV cache remembers the tokens it holds, so a generation that continues from a cache of the
// dead process has it rebuilt in the new one (one forward pass over those tokens) and goes on.
// Every request can be cancelled (an AbortSignal): it fails at once with an AbortError and the
// process is told to skip it. One ONNX Runtime run cannot be interrupted, so a request already
// running when it was cancelled has a grace period to end; past it the process is restarted, so
// that a long run nobody waits for does not hold up the requests behind it.

import type { ChildProcess } from 'node:child_process';
import { forkWorker } from '../workers/forkWorker';
import type { ForwardResult, KVCache, LanguageModel } from '../model/languageModel';
import type { Embedder } from '../rag/embedder';
import type { InspectionResult, Inspector } from '../runtime/inspection';
import type { SequenceLogits } from '../runtime/causalLM';
import type { SessionSettings } from '../runtime/ort';
import type { BackendReport } from '../runtime/ortBackend';
import { isInferenceReply, type InferenceReply, type InferenceRequest, type PartInfo, type PartKind } from './protocol';

type Request = InferenceRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(reply: InferenceReply): void;
  reject(error: Error): void;
  /** Stops listening to the request's signal. */
  settled(): void;
}

/** How long a cancelled request may go on running before the process is restarted. */
const CANCEL_GRACE_MS = 3_000;

function abortError(): Error {
  return Object.assign(new Error('the request to the inference process was cancelled'), { name: 'AbortError' });
}

/** A KV cache held in the inference process. */
class RemoteCache implements KVCache {
  constructor(
    readonly id: number,
    readonly length: number,
    readonly bytes: number,
    /** Which process holds it (InferenceHost's generation). */
    readonly generation: number,
    readonly owner: RemoteLanguageModel,
    /** The tokens it holds, to rebuild it after a restart. */
    readonly tokens: readonly number[],
  ) {}
}

export class InferenceHost {
  private child: ChildProcess | undefined;
  /** Counts processes started: parts and caches know which one holds them. */
  private generation = 0;
  private nextId = 1;
  private nextHandle = 1;
  private readonly pending = new Map<number, Pending>();
  /** Cancelled requests the process may still be running, each with its grace period. */
  private readonly cancelling = new Map<number, ReturnType<typeof setTimeout>>();
  /** Why the process was ended on purpose, for the message of the requests it held. */
  private readonly endedBecause = new WeakMap<ChildProcess, string>();
  /** Caches the host no longer holds are dropped in the process. */
  private readonly caches = new FinalizationRegistry<{ generation: number; handle: number; cache: number }>((held) => {
    if (held.generation === this.generation && this.child?.connected) this.child.send({ ...held, type: 'dropCache' } satisfies InferenceRequest);
  });

  /** The process whose ONNX Runtime backend was reported (once per process). */
  private reportedGeneration = 0;

  /** `workerScript`: dist/inferenceWorker.js in the extension; `onBackend` hears which ONNX Runtime each new process runs. */
  constructor(
    private readonly workerScript: string,
    private readonly cancelGraceMs = CANCEL_GRACE_MS,
    private readonly onBackend?: (report: BackendReport) => void,
  ) {}

  /** The process id while it runs (tests kill it, as a native crash would). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  openInspector(dir: string, settings: SessionSettings = {}): Promise<Inspector> {
    return RemoteInspector.open(this, dir, settings);
  }

  openLanguageModel(dir: string, settings: SessionSettings = {}): Promise<RemoteLanguageModel> {
    return RemoteLanguageModel.open(this, dir, settings);
  }

  /** A sentence-embedding model folder (rag/sentenceEmbedder.ts), run in the process. */
  openSentenceEmbedder(dir: string, settings: SessionSettings = {}): Promise<Embedder> {
    return RemoteEmbedder.open(this, dir, settings);
  }

  dispose(): void {
    this.restart('the inference process was stopped');
  }

  /** Ends the process now (`why` fails the requests it held); the next request starts a new one, which opens its parts again. */
  restart(why: string): void {
    const child = this.child;
    this.child = undefined;
    // What it held is gone, as when it dies: parts open again, caches are rebuilt.
    if (child) this.generation++;
    this.failAll(new Error(why));
    child?.kill();
  }

  /** @internal The process of `generation` opened a part on `backend`. */
  noteBackend(generation: number, backend: BackendReport): void {
    if (generation === this.reportedGeneration) return;
    this.reportedGeneration = generation;
    this.onBackend?.(backend);
  }

  /** @internal Sends a request to the process (started if needed) and waits for its reply; `signal` cancels it. */
  request(make: Request, signal?: AbortSignal): Promise<InferenceReply> {
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    const child = this.started();
    return new Promise<InferenceReply>((resolve, reject) => {
      const onAbort = () => this.cancel(id, child);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { resolve, reject, settled: () => signal?.removeEventListener('abort', onAbort) });
      child.send({ ...make, id } as InferenceRequest);
    }).then((reply) => {
      if (reply.type === 'failed') throw Object.assign(new Error(reply.message), { name: reply.name });
      return reply;
    });
  }

  /** @internal The current process's generation, and a new handle in it. */
  handle(): { generation: number; handle: number } {
    this.started();
    return { generation: this.generation, handle: this.nextHandle++ };
  }

  /** @internal */
  currentGeneration(): number {
    return this.generation;
  }

  /** @internal */
  trackCache(cache: RemoteCache, handle: number): void {
    this.caches.register(cache, { generation: cache.generation, handle, cache: cache.id });
  }

  private started(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = forkWorker(this.workerScript);
    this.generation++;
    child.on('message', (message) => this.received(message));
    child.on('error', (error) => this.child === child && this.failAll(new Error(`the inference process failed: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      // What the dead process held is gone: parts open again, caches are refused.
      this.generation++;
      const how = this.endedBecause.get(child) ?? (signal ? `was killed by ${signal}` : `exited with code ${code}`);
      this.failAll(new Error(`the inference process (ONNX Runtime) ${how}; the next request starts a new one`));
    });
    this.child = child;
    return child;
  }

  private received(message: unknown): void {
    if (!isInferenceReply(message)) return;
    // A cancelled request ended (or was skipped) within its grace period.
    clearTimeout(this.cancelling.get(message.id));
    this.cancelling.delete(message.id);
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    pending.settled();
    pending.resolve(message);
  }

  /** Fails request `id` now, tells the process to skip it, and restarts the process if it is still running it after the grace period. */
  private cancel(id: number, child: ChildProcess): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.settled();
    pending.reject(abortError());
    if (this.child !== child || !child.connected) return;
    child.send({ type: 'cancel', id } satisfies InferenceRequest);
    const grace = setTimeout(() => {
      this.cancelling.delete(id);
      if (this.child !== child) return;
      this.endedBecause.set(child, `was restarted: a cancelled request was still running after ${this.cancelGraceMs / 1000} s`);
      child.kill('SIGKILL');
    }, this.cancelGraceMs);
    grace.unref();
    this.cancelling.set(id, grace);
  }

  private failAll(error: Error): void {
    for (const timer of this.cancelling.values()) clearTimeout(timer);
    this.cancelling.clear();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.settled();
      p.reject(error);
    }
  }
}

/**
 * A part opened in the process. After a restart it is opened again in the new process before
 * its next request.
 */
abstract class RemotePart {
  private opened: Promise<{ generation: number; handle: number }> | undefined;
  private released = false;

  protected constructor(
    protected readonly host: InferenceHost,
    private readonly kind: PartKind,
    private readonly dir: string,
    private readonly settings: SessionSettings,
    readonly info: PartInfo,
    opened: { generation: number; handle: number },
  ) {
    this.opened = Promise.resolve(opened);
  }

  protected static async openIn(host: InferenceHost, kind: PartKind, dir: string, settings: SessionSettings): Promise<{ info: PartInfo; opened: { generation: number; handle: number } }> {
    const opened = host.handle();
    const reply = await host.request({ type: 'open', handle: opened.handle, part: kind, dir, settings });
    if (reply.type !== 'opened') throw new Error(`the inference process answered "${reply.type}" to open`);
    host.noteBackend(opened.generation, reply.info.backend);
    return { info: reply.info, opened };
  }

  /** The handle in the current process, opening the part there again after a restart. */
  protected async current(): Promise<{ generation: number; handle: number }> {
    if (this.released) throw new Error(`${this.dir}: this model part was released`);
    const opened = await this.opened;
    if (opened && opened.generation === this.host.currentGeneration()) return opened;
    const reopening = RemotePart.openIn(this.host, this.kind, this.dir, this.settings).then((r) => r.opened);
    this.opened = reopening;
    reopening.catch(() => this.opened === reopening && (this.opened = undefined));
    return reopening;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const opened = await this.opened?.catch(() => undefined);
    if (opened && opened.generation === this.host.currentGeneration()) await this.host.request({ type: 'release', handle: opened.handle }).catch(() => undefined);
  }
}

class RemoteInspector extends RemotePart implements Inspector {
  readonly vocabSize = this.info.vocabSize;
  readonly contextLength = this.info.contextLength;
  readonly attentionUnavailable = this.info.attentionUnavailable;

  static async open(host: InferenceHost, dir: string, settings: SessionSettings): Promise<RemoteInspector> {
    const { info, opened } = await RemotePart.openIn(host, 'inspector', dir, settings);
    return new RemoteInspector(host, 'inspector', dir, settings, info, opened);
  }

  async run(tokens: readonly number[], signal?: AbortSignal): Promise<InspectionResult> {
    const { handle } = await this.current();
    const reply = await this.host.request({ type: 'inspect', handle, tokens: [...tokens] }, signal);
    if (reply.type !== 'inspected') throw new Error(`the inference process answered "${reply.type}" to inspect`);
    return reply.result;
  }
}

export class RemoteLanguageModel extends RemotePart implements LanguageModel {
  readonly vocabSize = this.info.vocabSize;
  readonly contextLength = this.info.contextLength;

  static async open(host: InferenceHost, dir: string, settings: SessionSettings): Promise<RemoteLanguageModel> {
    const { info, opened } = await RemotePart.openIn(host, 'languageModel', dir, settings);
    return new RemoteLanguageModel(host, 'languageModel', dir, settings, info, opened);
  }

  forward(tokens: readonly number[], cache?: KVCache, signal?: AbortSignal): Promise<ForwardResult> {
    return this.send(tokens, cache, false, signal);
  }

  /** Like forward(), with the logits of every new token. */
  forwardAll(tokens: readonly number[], cache?: KVCache, signal?: AbortSignal): Promise<SequenceLogits> {
    return this.send(tokens, cache, true, signal);
  }

  private async send(tokens: readonly number[], cache: KVCache | undefined, all: boolean, signal?: AbortSignal): Promise<SequenceLogits> {
    if (cache !== undefined && (!(cache instanceof RemoteCache) || cache.owner !== this)) throw new Error('the cache passed to forward() was made by another model');
    const { generation, handle } = await this.current();
    // A cache of a process that died: the same tokens run again in this one rebuild it.
    const past = cache && cache.generation !== generation ? ((await this.send(cache.tokens, undefined, false, signal)).cache as RemoteCache) : cache;
    const reply = await this.host.request({ type: 'forward', handle, tokens: [...tokens], cache: past?.id, all }, signal);
    if (reply.type !== 'forwarded') throw new Error(`the inference process answered "${reply.type}" to forward`);
    const next = new RemoteCache(reply.cache.id, reply.cache.length, reply.cache.bytes, generation, this, [...(past?.tokens ?? []), ...tokens]);
    this.host.trackCache(next, handle);
    return { logits: reply.logits, cache: next };
  }
}

class RemoteEmbedder extends RemotePart implements Embedder {
  readonly id: string;
  readonly label: string;
  readonly caveat: string;
  readonly dimensions: number;
  readonly maxTokens: number;

  private constructor(host: InferenceHost, dir: string, settings: SessionSettings, info: PartInfo, opened: { generation: number; handle: number }) {
    super(host, 'sentenceEmbedder', dir, settings, info, opened);
    const embedder = info.embedder;
    if (!embedder) throw new Error(`${dir}: the inference process did not describe the embedder`);
    ({ id: this.id, label: this.label, caveat: this.caveat, dimensions: this.dimensions, maxTokens: this.maxTokens } = embedder);
  }

  static async open(host: InferenceHost, dir: string, settings: SessionSettings): Promise<RemoteEmbedder> {
    const { info, opened } = await RemotePart.openIn(host, 'sentenceEmbedder', dir, settings);
    return new RemoteEmbedder(host, dir, settings, info, opened);
  }

  async embed(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const { handle } = await this.current();
    const reply = await this.host.request({ type: 'embed', handle, text }, signal);
    if (reply.type !== 'embedded') throw new Error(`the inference process answered "${reply.type}" to embed`);
    return reply.vector;
  }
}
