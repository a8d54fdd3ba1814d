// js-tiktoken over the vocabulary of a byte-level BPE tokenizer.json whose ids follow its merges,
// as the bundled model's do (ids 0-255 are the bytes, merge k makes token 256 + k): an encoder
// with code of its own for that tokenizer, for tests and the tokenizer bench.
// tiktoken merges the adjacent pair whose joined bytes have the lowest rank; with rank = id that
// is the pair whose merge comes first in `merges`, which is the rule Hugging Face's BPE follows,
// so the two give the same ids.

import { Tiktoken } from 'js-tiktoken/lite';
import { vocabStringToBytes } from '../../extension/engine/tokenizer/byteLevel';

interface TokenizerJson {
  readonly pre_tokenizer: { readonly pretokenizers?: readonly { readonly type: string; readonly pattern?: { readonly Regex?: string } }[] };
  readonly model: { readonly vocab: Record<string, number>; readonly merges: readonly (string | readonly string[])[] };
  readonly added_tokens: readonly { readonly id: number; readonly content: string }[];
}

export function tiktokenFromTokenizerJson(json: TokenizerJson): Tiktoken {
  const { vocab, merges } = json.model;
  const pattern = json.pre_tokenizer.pretokenizers?.find((p) => p.type === 'Split')?.pattern?.Regex;
  if (!pattern) throw new Error('tokenizer.json: no Split pre-tokenizer with a regex');
  merges.forEach((merge, k) => {
    const joined = typeof merge === 'string' ? merge.replace(' ', '') : merge.join('');
    if (vocab[joined] !== 256 + k) throw new Error(`tokenizer.json: merge ${k} makes "${joined}", id ${vocab[joined]}, not ${256 + k}`);
  });
  const byRank: string[] = [];
  for (const [token, id] of Object.entries(vocab)) {
    const bytes = vocabStringToBytes(token);
    if (!bytes) throw new Error(`tokenizer.json: "${token}" is not a byte-level token`);
    byRank[id] = Buffer.from(bytes).toString('base64');
  }
  const special = Object.fromEntries(json.added_tokens.map((t) => [t.content, t.id]));
  // js-tiktoken's rank format: lines of "<name> <first rank> <base64 token> <base64 token> ...".
  return new Tiktoken({ pat_str: pattern, special_tokens: special, bpe_ranks: `vocab 0 ${byRank.join(' ')}` });
}
