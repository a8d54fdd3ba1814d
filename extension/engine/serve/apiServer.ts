// A local server that speaks the OpenAI HTTP API for one model folder, on plain node:http:
//   GET  /v1/models              the one model served
//   POST /v1/completions         continue a prompt
//   POST /v1/chat/completions    answer a conversation (the model's chat template applied)
// Streams are server-sent events ("data: {json}\n\n" per token, then "data: [DONE]"), written in
// batches (eventStream.ts).
// It listens on 127.0.0.1 only and wants "Authorization: Bearer <token>" on every request.
// Hostile clients are bounded: bodies over MAX_BODY_BYTES get 413, max_tokens is capped, slow
// headers and bodies time out, a client that goes away cancels its generation, and one that stops
// reading its stream is cut off once MAX_UNREAD_BYTES wait for it, never holding the model.

import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './apiError';
import { EventStream } from './eventStream';
import { FairQueue } from './fairQueue';
import { DEFAULT_LIMITS, parseChatRequest, parseCompletionRequest, type GenerationRequest, type ServeLimits } from './requestFields';
import { fullResponse, modelList, responseHead, streamChunk, tokenEventJson, usageOf } from './responseShapes';
import type { ServedModel, ServedToken } from './servedModel';

export const MAX_BODY_BYTES = 1_048_576;
/** Stream data a client may leave unread before it is disconnected. */
export const MAX_UNREAD_BYTES = 1_048_576;

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
  /** The error message sent, or why the request ended early. */
  readonly error?: string;
}

export interface ApiServerOptions {
  readonly served: ServedModel;
  /** 0 picks a free port. */
  readonly port: number;
  readonly token: string;
  readonly limits?: ServeLimits;
  /** Generations in progress at once; the others wait in order. Default 4. */
  readonly maxActive?: number;
  /** Requests that may wait; more get 429. Default 64. */
  readonly maxWaiting?: number;
  /** Called once per request when its response has ended. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

export interface RunningApiServer {
  readonly port: number;
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  if (options.token.length < 8) throw new Error('the API token must have at least 8 characters');
  const { served } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const queue = new FairQueue(options.maxActive ?? 4, options.maxWaiting ?? 64);
  const expected = digest(`Bearer ${options.token}`);
  const created = Math.floor(Date.now() / 1000);
  let requests = 0;

  // Each token's event is a small write of its own: noDelay (Node's default, stated here because the
  // stream depends on it) sends it at once, where Nagle's algorithm would hold it until the
  // previous one was acknowledged (up to 40 ms with delayed ACKs).
  const server = http.createServer({ noDelay: true }, async (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '').split('?')[0];
    const aborted = new AbortController();
    // 'close' on the response before it finished: the client went away.
    res.on('close', () => res.writableFinished || aborted.abort(new Error('the client disconnected')));
    let counts: { promptTokens?: number; completionTokens?: number } = {};
    let error: string | undefined;
    try {
      // Comparing digests takes the same time whatever the token sent.
      if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
        throw new ApiError(401, 'missing or wrong API token: send "Authorization: Bearer <token>"', 'authentication_error', null, 'invalid_api_key');
      }
      if (path === '/v1/models' || path === `/v1/models/${served.id}`) {
        if (req.method !== 'GET') throw new ApiError(405, `${req.method} is not allowed on ${path}; use GET`);
        sendJson(res, 200, path === '/v1/models' ? modelList(served.id, created) : { id: served.id, object: 'model', created, owned_by: 'llm-pipeline-lab' });
      } else if (path === '/v1/completions' || path === '/v1/chat/completions') {
        if (req.method !== 'POST') throw new ApiError(405, `${req.method} is not allowed on ${path}; use POST`);
        const body = await readJsonBody(req);
        const request = path === '/v1/completions' ? parseCompletionRequest(body, limits) : parseChatRequest(body, limits);
        if (request.model !== served.id) throw new ApiError(404, `the model '${request.model}' does not exist; this server serves '${served.id}'`, 'not_found_error', 'model', 'model_not_found');
        counts = await answer(request, res, aborted);
      } else {
        throw new ApiError(404, `no such endpoint: ${req.method} ${path}`, 'not_found_error', null, 'unknown_url');
      }
    } catch (caught) {
      const apiError = caught instanceof ApiError ? caught : aborted.signal.aborted ? undefined : new ApiError(500, (caught as Error).message, 'server_error');
      error = apiError?.message ?? (aborted.signal.reason as Error).message;
      if (apiError) sendError(res, apiError);
    } finally {
      requests++;
      if (!res.writableEnded) res.destroy();
      options.onRequest?.({ method: req.method ?? '', path, status: res.statusCode, ms: performance.now() - started, ...counts, ...(error ? { error } : {}) });
    }
  });

  /** Generates for a checked request, streaming or not; throws an ApiError before the first byte is sent. */
  async function answer(request: GenerationRequest, res: http.ServerResponse, aborted: AbortController) {
    const prompt = served.promptTokens(request);
    const leave = await queue.admit(aborted.signal);
    const events = new EventStream(res, () => aborted.abort(new Error(`the client left more than ${MAX_UNREAD_BYTES} bytes of its stream unread`)), MAX_UNREAD_BYTES);
    try {
      const head = responseHead(request);
      const tokenEvent = tokenEventJson(request, head);
      const tokens: ServedToken[] = [];
      if (request.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
        if (request.kind === 'chat') events.send(streamChunk(request, head, { first: true }));
      }
      const result = await served.generate(request, prompt, queue, aborted.signal, (token) => {
        if (request.stream) events.sendJson(tokenEvent(token));
        else tokens.push(token);
      });
      if (request.stream) {
        events.send(streamChunk(request, head, { finish: result.finishReason }));
        if (request.includeUsage) events.send(streamChunk(request, head, { usage: usageOf(result) }));
        events.end('data: [DONE]\n\n');
      } else {
        sendJson(res, 200, fullResponse(request, head, result, tokens));
      }
      return { promptTokens: result.promptTokens, completionTokens: result.completionTokens };
    } finally {
      // Tokens already made reach the client before an error event ends the stream.
      events.flush();
      leave();
    }
  }

  // Slow clients do not hold sockets forever: headers within 10 s, the whole body within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body as JSON: 413 past MAX_BODY_BYTES (by its Content-Length or as it arrives), 400 when it does not parse. */
async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () => new ApiError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`, 'invalid_request_error', null, 'request_too_large');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ApiError(400, `the request body is not valid JSON: ${(error as Error).message}`, 'invalid_request_error', null, 'invalid_json');
  }
}

function sendJson(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** An error before the response started is a JSON error; in a stream it is a last event. */
function sendError(res: http.ServerResponse, error: ApiError): void {
  if (res.destroyed || res.writableEnded) return;
  if (!res.headersSent) {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
    if (error.status === 401) headers['www-authenticate'] = 'Bearer';
    res.writeHead(error.status, headers);
    res.end(JSON.stringify(error.body()));
    return;
  }
  res.end(`data: ${JSON.stringify(error.body())}\n\n`);
}
