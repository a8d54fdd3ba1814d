// The caller's side of the tokenizer workers: tokenizing, BPE traces and chat templates of files
// the user opened run in child processes with limits (see workers/limitedWorker.ts), so a hostile
// tokenizer.json or chat template costs a message, never a stalled or crashed extension host.
// Three workers, by what they may use:
//   templates   chat-template rendering alone: a small heap, 2 s
//   tokenizers  encoding, BPE traces and the checks of a rendered prompt: room for o200k_base,
//               2 s plus 30 s per million characters (a byte-level tokenizer without merges
//               makes a million tokens of them, each with its bytes and offsets)
//   converter   turning a built-in's rank file into tokenizer.json: a large heap, 2 minutes

import { createHash } from 'node:crypto';
import { LimitedWorker, LimitExceededError } from '../workers/limitedWorker';
import type { BpeTrace } from './bpeSteps';
import type { BuiltinConverter, BuiltinTokenizerName } from './builtins';
import { failedRendering, type ChatRenderRequest, type ChatRendering, type RenderedTemplate } from './chatTemplate';
import { sourceName, type TokenizerJob, type TokenizerSource, type TokenizerTables } from './tokenizerJobs';
import type { TokenSpan } from './types';

/** The limits, in one place, so the tests and the CLI use the extension's. */
export const TOKENIZER_LIMITS = {
  templateHeapMb: 128,
  templateMs: 2_000,
  tokenizerHeapMb: 1_024,
  encodeBaseMs: 2_000,
  encodeMsPerMillionChars: 30_000,
  describeMs: 10_000,
  converterHeapMb: 2_048,
  convertMs: 120_000,
  startupMs: 60_000,
} as const;

export interface ChatRenderFromFile extends ChatRenderRequest {
  /** The file the template came from (tokenizer_config.json, chat_template.jinja), for messages. */
  readonly templateFile: string;
  /** bos_token and the other *_token settings (chatTemplate.ts's templateVariables). */
  readonly variables: Record<string, string>;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/** How long an input that hit a limit is answered from memory. */
const REMEMBER_MS = 60_000;

/** A short key for an input: its kind, where it came from and a hash of its text. */
function keyOf(kind: string, from: string, text: string): string {
  return `${kind}\0${from}\0${createHash('sha256').update(text).digest('hex')}`;
}

export class TokenizerWorkers {
  private readonly templates: LimitedWorker<TokenizerJob>;
  private readonly tokenizers: LimitedWorker<TokenizerJob>;
  private readonly converter: LimitedWorker<TokenizerJob>;
  /**
   * Inputs that hit a limit, remembered for a while: the panel asks for the same text several ways
   * (tokens, count, BPE trace) and the same template again, and each would wait out its budget
   * behind the others. A remembered input fails at once with the first message.
   */
  private readonly stopped = new Map<string, { readonly error: LimitExceededError; readonly until: number }>();
  /** Inputs being worked on now: a second job on the same input waits for the first to learn whether it is hostile. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /** `script`: dist/tokenizerWorker.js in the extension. */
  constructor(script: string, private readonly limits: typeof TOKENIZER_LIMITS = TOKENIZER_LIMITS) {
    const worker = (what: string, heapMb: number) => new LimitedWorker<TokenizerJob>(script, what, { heapMb, startupMs: limits.startupMs });
    this.templates = worker('the chat-template worker', limits.templateHeapMb);
    this.tokenizers = worker('the tokenizer worker', limits.tokenizerHeapMb);
    this.converter = worker('the tokenizer conversion worker', limits.converterHeapMb);
  }

  encode(source: TokenizerSource, text: string): Promise<TokenSpan[]> {
    return this.remembered(keyOf('text', sourceName(source), text), () => this.tokenizers.run({ type: 'encode', source, text }, this.encodeLimits(source, text.length)));
  }

  countTokens(source: TokenizerSource, text: string): Promise<number> {
    return this.remembered(keyOf('text', sourceName(source), text), () => this.tokenizers.run({ type: 'count', source, text }, this.encodeLimits(source, text.length)));
  }

  encodeIds(source: TokenizerSource, text: string): Promise<number[]> {
    return this.remembered(keyOf('text', sourceName(source), text), () => this.tokenizers.run({ type: 'encodeIds', source, text }, this.encodeLimits(source, text.length)));
  }

  /** The tables the host keeps of a tokenizer (tokenizerJobs.ts's TokenizerTables). */
  describe(source: TokenizerSource): Promise<TokenizerTables> {
    const name = sourceName(source);
    return this.tokenizers.run({ type: 'describe', source }, {
      timeoutMs: this.limits.describeMs,
      onTimeout: (ms) => `${name}: listing the vocabulary took longer than ${seconds(ms)} s and was stopped`,
      onOutOfMemory: (mb) => `${name}: the tokenizer needed more than ${mb} MB and was stopped`,
    });
  }

  traceBpe(source: TokenizerSource, word: string): Promise<BpeTrace[]> {
    return this.remembered(keyOf('text', sourceName(source), word), () => this.tokenizers.run({ type: 'traceBpe', source, word }, this.encodeLimits(source, word.length)));
  }

  /** Renders in the template worker, then finds special tokens and mistakes in the tokenizer worker. A limit hit is a failed rendering naming the file. */
  async renderChat(source: TokenizerSource, request: ChatRenderFromFile): Promise<ChatRendering> {
    const { templateFile, variables, ...plain } = request;
    let rendered: RenderedTemplate;
    try {
      rendered = await this.remembered(keyOf('template', templateFile, plain.template), () =>
        this.templates.run<RenderedTemplate>({ type: 'renderTemplate', request: plain, variables }, {
          timeoutMs: this.limits.templateMs,
          onTimeout: (ms) => `${templateFile}: the chat template did not finish rendering within ${seconds(ms)} s and was stopped (a loop too large to be meant?)`,
          onOutOfMemory: (mb) => `${templateFile}: rendering the chat template needed more than ${mb} MB and was stopped (a loop or a string too large to be meant?)`,
        }),
      );
    } catch (error) {
      const message = (error as Error).message;
      return failedRendering(error instanceof LimitExceededError ? message : `${templateFile}: ${message}`);
    }
    const length = rendered.text.length + rendered.withoutPrompt.length;
    return this.tokenizers.run({ type: 'checkRendering', source, request: plain, rendered }, this.encodeLimits(source, 4 * length));
  }

  /** Converts a built-in tokenizer (for builtins.ts's cache). */
  readonly convert: BuiltinConverter = (name: BuiltinTokenizerName) =>
    this.converter
      .run<string>({ type: 'convert', name }, { timeoutMs: this.limits.convertMs, onTimeout: (ms) => `converting ${name} took longer than ${seconds(ms)} s and was stopped` })
      .catch((error: Error) => {
        throw new Error(`converting ${name}: ${error.message}`);
      });

  /** Runs `job` unless `key` hit a limit lately; a limit hit now is remembered for REMEMBER_MS. */
  private async remembered<T>(key: string, job: () => Promise<T>): Promise<T> {
    for (let earlier = this.inFlight.get(key); earlier; earlier = this.inFlight.get(key)) await earlier.catch(() => undefined);
    const now = Date.now();
    for (const [k, v] of this.stopped) if (v.until < now) this.stopped.delete(k);
    const known = this.stopped.get(key);
    if (known) throw known.error;
    const running = job().catch((error: unknown) => {
      if (error instanceof LimitExceededError && error.limit !== 'crash') this.stopped.set(key, { error, until: Date.now() + REMEMBER_MS });
      throw error;
    });
    this.inFlight.set(key, running);
    try {
      return await running;
    } finally {
      if (this.inFlight.get(key) === running) this.inFlight.delete(key);
    }
  }

  dispose(): void {
    this.templates.dispose();
    this.tokenizers.dispose();
    this.converter.dispose();
  }

  private encodeLimits(source: TokenizerSource, characters: number) {
    const timeoutMs = Math.round(this.limits.encodeBaseMs + (characters / 1e6) * this.limits.encodeMsPerMillionChars);
    const name = sourceName(source);
    return {
      timeoutMs,
      onTimeout: (ms: number) =>
        `${name}: tokenizing ${characters.toLocaleString('en')} characters took longer than ${seconds(ms)} s and was stopped; a pattern in this tokenizer (a Split pre-tokenizer or a normalizer) may backtrack without end`,
      onOutOfMemory: (mb: number) => `${name}: the tokenizer needed more than ${mb} MB and was stopped`,
    };
  }
}
