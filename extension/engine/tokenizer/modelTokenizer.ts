// A model folder's tokenizer as the extension host uses it (the attention, decoding and RAG
// panels). A tokenizer.json from the internet may hold a Split pattern or a Replace that
// backtracks for minutes, and a regular expression cannot be interrupted, so the host never runs
// the file's parts: encoding is sent to the limited tokenizer worker (tokenizerWorkers.ts: a time
// budget, a heap cap, a message naming the file), and the host keeps only tables — the vocabulary
// entry of each id, the added tokens, how entries spell bytes. Writing tokens down is a table
// lookup: the text is what the tokens' bytes spell,
//   decode(ids) = UTF-8(bytes(ids[0]) ‖ bytes(ids[1]) ‖ …)
// which is what a byte-level decoder does, and never runs the file's decoders.
// Why the tokenizer worker and not the inference process, beside the model's run: stopping a
// regular expression means killing its process, and killing the inference process would throw
// away every panel's open ONNX Runtime sessions and KV caches; the tokenizer worker holds nothing
// but parsed tokenizers, already has the time and memory limits and their messages, and is shared
// with the tokenizer panel and the status-bar count.
// Tests, benches and the CLI run the same interface in their own thread (tokenizerInThread).

import type { AddedTokenInfo, HfTextTokenizer } from './hfTokenizer';
import { vocabEntryBytes, type TokenSpelling } from './tokenBytes';
import type { TokenizerSource, TokenizerTables } from './tokenizerJobs';
import type { TokenizerWorkers } from './tokenizerWorkers';
import type { TokenSpan } from './types';

export interface ModelTokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly addedTokens: ReadonlyMap<number, AddedTokenInfo>;
  encode(text: string): Promise<TokenSpan[]>;
  encodeIds(text: string): Promise<number[]>;
  /** The vocabulary entry for an id ("Ġthe"), undefined when the id is not used. */
  idToToken(id: number): string | undefined;
  /** The UTF-8 bytes token `id` stands for (an added token: its text). */
  tokenBytes(id: number): Uint8Array;
  /** The text the tokens' bytes spell; an id outside the vocabulary throws. */
  decode(ids: readonly number[]): string;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The table part of a ModelTokenizer: lookups only. */
abstract class TokenTables {
  readonly addedTokens: ReadonlyMap<number, AddedTokenInfo>;

  protected constructor(
    readonly name: string,
    readonly vocabSize: number,
    added: readonly AddedTokenInfo[],
    private readonly spelling: TokenSpelling,
  ) {
    this.addedTokens = new Map(added.map((t) => [t.id, t]));
  }

  abstract idToToken(id: number): string | undefined;

  tokenBytes(id: number): Uint8Array {
    const added = this.addedTokens.get(id);
    if (added) return utf8.encode(added.content);
    const token = this.idToToken(id);
    return token === undefined ? new Uint8Array(0) : vocabEntryBytes(token, this.spelling);
  }

  decode(ids: readonly number[]): string {
    const unknown = ids.find((id) => !Number.isInteger(id) || (this.idToToken(id) === undefined && !this.addedTokens.has(id)));
    if (unknown !== undefined) throw new Error(`${this.name}: token id ${unknown} is not in the vocabulary (ids 0 to ${this.vocabSize - 1})`);
    const parts = ids.map((id) => this.tokenBytes(id));
    const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return utf8Decoder.decode(bytes);
  }
}

/** Encoding in the tokenizer worker; tables here. */
class WorkerModelTokenizer extends TokenTables implements ModelTokenizer {
  constructor(
    private readonly workers: TokenizerWorkers,
    private readonly source: TokenizerSource,
    private readonly tables: TokenizerTables,
  ) {
    super(tables.name, tables.vocabSize, tables.added, tables.spelling);
  }

  idToToken(id: number): string | undefined {
    return this.tables.vocab[id] ?? undefined;
  }

  encode(text: string): Promise<TokenSpan[]> {
    return this.workers.encode(this.source, text);
  }

  encodeIds(text: string): Promise<number[]> {
    return this.workers.encodeIds(this.source, text);
  }
}

/** The tokenizer of model folder `dir` (its tokenizer.json), run by `workers`. */
export async function openModelTokenizer(workers: TokenizerWorkers, dir: string): Promise<ModelTokenizer> {
  const source: TokenizerSource = { kind: 'file', location: dir };
  return new WorkerModelTokenizer(workers, source, await workers.describe(source));
}

/** Everything in this thread (tests, benches, the CLI: callers that chose the file themselves). */
class InThreadModelTokenizer extends TokenTables implements ModelTokenizer {
  constructor(private readonly tokenizer: HfTextTokenizer) {
    super(tokenizer.name, tokenizer.vocabSize, [...tokenizer.addedTokens.values()], tokenizer.spelling);
  }

  idToToken(id: number): string | undefined {
    return this.tokenizer.idToToken(id);
  }

  async encode(text: string): Promise<TokenSpan[]> {
    return this.tokenizer.encode(text);
  }

  async encodeIds(text: string): Promise<number[]> {
    return this.tokenizer.encodeIds(text);
  }
}

export function tokenizerInThread(tokenizer: HfTextTokenizer): ModelTokenizer {
  return new InThreadModelTokenizer(tokenizer);
}
