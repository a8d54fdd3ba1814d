// Asks an OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LM Studio, this extension's
// own) for the most probable next tokens after a text: one POST /v1/completions with
// max_tokens 1 and logprobs k. Servers answer in one of two shapes, both read here:
//   OpenAI's legacy completions (OpenAI, vLLM, this extension):
//     choices[0].logprobs.top_logprobs[0] = { "<token>": logprob, … }
//   the chat-style list (llama.cpp's server, and chat endpoints):
//     choices[0].logprobs.content[0].top_logprobs = [{ token, logprob, bytes? }, …]
// The server shows only these k alternatives: the rest of its vocabulary, its attention and its
// KV cache stay on the server.

export interface RemoteServer {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:8000/v1. */
  readonly url: string;
  readonly token: string;
  readonly model: string;
}

export interface TokenAlternative {
  readonly token: string;
  readonly logprob: number;
}

/** The most alternatives asked for: OpenAI allows 5 on completions, most local servers 20. */
export const REMOTE_TOP_K = 20;
/** A response larger than this is refused before it is parsed. */
const MAX_RESPONSE_BYTES = 4 * 1_048_576;
const TIMEOUT_MS = 60_000;

/** The server's models (GET /v1/models), to choose one. */
export async function listRemoteModels(url: string, token: string, signal?: AbortSignal): Promise<string[]> {
  const body = await call(`${url}/models`, token, undefined, signal);
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) throw new Error(`${url}/models: the answer has no "data" list of models`);
  return data.map((m) => (m as { id?: unknown }).id).filter((id): id is string => typeof id === 'string');
}

/** The top `k` next tokens after `prompt` with their log-probabilities, most probable first. */
export async function remoteTopLogprobs(server: RemoteServer, prompt: string, k = REMOTE_TOP_K, signal?: AbortSignal): Promise<TokenAlternative[]> {
  const body = await call(`${server.url}/completions`, server.token, { model: server.model, prompt, max_tokens: 1, temperature: 0, logprobs: k }, signal);
  const alternatives = parseTopLogprobs(body);
  if (alternatives === undefined) throw new Error(`${server.url}/completions: the answer has no top logprobs for the next token (does the server support "logprobs"?)`);
  return alternatives.sort((a, b) => b.logprob - a.logprob).slice(0, k);
}

/** The first token's alternatives in either shape; undefined when the response has neither. */
export function parseTopLogprobs(body: unknown): TokenAlternative[] | undefined {
  const logprobs = (body as { choices?: Array<{ logprobs?: unknown }> })?.choices?.[0]?.logprobs as Record<string, unknown> | null | undefined;
  if (!logprobs || typeof logprobs !== 'object') return undefined;
  const legacy = (logprobs.top_logprobs as unknown[] | undefined)?.[0];
  if (legacy && typeof legacy === 'object') {
    return Object.entries(legacy as Record<string, unknown>).flatMap(([token, logprob]) => (typeof logprob === 'number' ? [{ token, logprob }] : []));
  }
  const first = (logprobs.content as Array<{ top_logprobs?: unknown }> | undefined)?.[0]?.top_logprobs;
  if (Array.isArray(first)) {
    return first.flatMap((a) => (typeof a?.token === 'string' && typeof a?.logprob === 'number' ? [{ token: a.token as string, logprob: a.logprob as number }] : []));
  }
  return undefined;
}

async function call(url: string, token: string, body: object | undefined, signal?: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const response = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  }).catch((error: Error) => {
    throw new Error(`${url}: no answer (${(error.cause as Error | undefined)?.message ?? error.message})`);
  });
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_RESPONSE_BYTES) throw new Error(`${url}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new Error(`${url}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${url}: HTTP ${response.status}, and the answer is not JSON: ${text.slice(0, 120)}`);
  }
  if (!response.ok) {
    const message = (json as { error?: { message?: unknown } })?.error?.message;
    throw new Error(`${url}: HTTP ${response.status}${typeof message === 'string' ? `: ${message}` : ''}`);
  }
  return json;
}
