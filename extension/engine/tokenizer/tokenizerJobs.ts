// What the tokenizer worker process (tokenizerWorker.ts) does for the extension: everything that
// runs a tokenizer file's regular expressions or a chat template over text, which a hostile file
// can make take minutes or exhaust memory. The requests carry where the tokenizer is, never an
// object: the worker opens it itself and keeps the last few it opened.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { traceBpePieces, type BpeTrace } from './bpeSteps';
import { convertBuiltin } from './builtinConversion';
import { isBuiltinTokenizerName, loadBuiltinTokenizer, type BuiltinTokenizerName } from './builtins';
import { checkRendering, renderTemplate, type ChatRenderRequest, type ChatRendering, type RenderedTemplate } from './chatTemplate';
import type { AddedTokenInfo, HfTextTokenizer } from './hfTokenizer';
import { loadTokenizerFile } from './loadTokenizerFile';
import type { TokenSpelling } from './tokenBytes';
import type { TokenSpan } from './types';

/** Where a tokenizer comes from: a tokenizer.json (or its folder) on disk, or a built-in name. */
export type TokenizerSource =
  | { readonly kind: 'file'; readonly location: string }
  | { readonly kind: 'builtin'; readonly name: BuiltinTokenizerName; readonly cacheDir?: string };

export type TokenizerJob =
  | { readonly type: 'encode'; readonly source: TokenizerSource; readonly text: string }
  | { readonly type: 'count'; readonly source: TokenizerSource; readonly text: string }
  | { readonly type: 'encodeIds'; readonly source: TokenizerSource; readonly text: string }
  | { readonly type: 'describe'; readonly source: TokenizerSource }
  | { readonly type: 'traceBpe'; readonly source: TokenizerSource; readonly word: string }
  | { readonly type: 'renderTemplate'; readonly request: ChatRenderRequest; readonly variables: Record<string, string> }
  | { readonly type: 'checkRendering'; readonly source: TokenizerSource; readonly request: ChatRenderRequest; readonly rendered: RenderedTemplate }
  | { readonly type: 'convert'; readonly name: BuiltinTokenizerName };

/** What each job answers. */
export interface TokenizerJobResults {
  encode: TokenSpan[];
  count: number;
  encodeIds: number[];
  describe: TokenizerTables;
  traceBpe: BpeTrace[];
  renderTemplate: RenderedTemplate;
  checkRendering: ChatRendering;
  convert: string;
}

/**
 * What the extension host keeps of a tokenizer so that it never runs the file's parts itself: the
 * id -> vocabulary entry table, the added tokens and how entries spell bytes. Looking a token up
 * and writing tokens down as their bytes are table lookups; encoding stays in the worker.
 */
export interface TokenizerTables {
  readonly name: string;
  readonly vocabSize: number;
  /** The vocabulary entry of each id (undefined where an id is not used). */
  readonly vocab: readonly (string | undefined)[];
  readonly added: readonly AddedTokenInfo[];
  readonly spelling: TokenSpelling;
}

/** How the source is named in messages: the tokenizer.json's path or the built-in's name. */
export function sourceName(source: TokenizerSource): string {
  if (source.kind === 'builtin') return source.name;
  return source.location.endsWith('.json') ? source.location : path.join(source.location, 'tokenizer.json');
}

/** Tokenizers kept open in the worker: the active one and a few compared with it. */
const KEPT = 4;

export class TokenizerJobs {
  private readonly open = new Map<string, { stamp: string; tokenizer: Promise<HfTextTokenizer> }>();

  /** Runs `job`; `begin()` marks where the untrusted part starts (after the tokenizer is open). */
  async run(job: TokenizerJob, begin: () => void): Promise<TokenizerJobResults[TokenizerJob['type']]> {
    switch (job.type) {
      case 'convert':
        if (!isBuiltinTokenizerName(job.name)) throw new Error(`not a built-in tokenizer: ${String(job.name)}`);
        begin();
        return convertBuiltin(job.name);
      case 'renderTemplate':
        begin();
        return renderTemplate(job.request, job.variables);
      default: {
        const tokenizer = await this.tokenizer(job.source);
        begin();
        if (job.type === 'encode') return tokenizer.encode(job.text);
        if (job.type === 'count') return tokenizer.encodeIds(job.text).length;
        if (job.type === 'encodeIds') return tokenizer.encodeIds(job.text);
        if (job.type === 'describe') return tablesOf(tokenizer);
        if (job.type === 'traceBpe') return traceBpePieces(tokenizer, job.word);
        return checkRendering(tokenizer, job.request, job.rendered);
      }
    }
  }

  /** The tokenizer of `source`, opened again when its file changed since. */
  private tokenizer(source: TokenizerSource): Promise<HfTextTokenizer> {
    const key = JSON.stringify(source);
    const stamp = source.kind === 'file' ? fileStamp(source.location) : '';
    const kept = this.open.get(key);
    if (kept && kept.stamp === stamp) return kept.tokenizer;
    const tokenizer =
      source.kind === 'file'
        ? loadTokenizerFile(source.location)
        : loadBuiltinTokenizer(source.name, { convert: convertBuiltin, cacheDir: source.cacheDir });
    tokenizer.catch(() => this.open.get(key)?.tokenizer === tokenizer && this.open.delete(key));
    this.open.delete(key);
    this.open.set(key, { stamp, tokenizer });
    while (this.open.size > KEPT) this.open.delete(this.open.keys().next().value as string);
    return tokenizer;
  }
}

function tablesOf(tokenizer: HfTextTokenizer): TokenizerTables {
  const vocab = Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.idToToken(id));
  return { name: tokenizer.name, vocabSize: tokenizer.vocabSize, vocab, added: [...tokenizer.addedTokens.values()], spelling: tokenizer.spelling };
}

/** Size and modification time of a tokenizer.json (or of the folder's), so an edited file is read again. */
function fileStamp(location: string): string {
  const stat = fs.statSync(location, { throwIfNoEntry: false });
  const file = stat?.isDirectory() ? path.join(location, 'tokenizer.json') : location;
  const fileStat = fs.statSync(file, { throwIfNoEntry: false });
  return fileStat ? `${fileStat.size}:${fileStat.mtimeMs}` : 'missing';
}
