// Tokenizing a corpus takes a while (tens of seconds for TinyStories), and a resumed or repeated run
// needs the same stream again. The stream is cached as raw little-endian uint32 IDs under a name
// derived from everything it depends on: the tokenizer.json contents and each text file's path,
// size and modification time. Any change gives a new name, so a stale cache is never read.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import { listTextFiles, loadTokenStream, type StreamTokenizer } from './dataset';

export function tokenCacheKey(dataPath: string, tokenizerJson: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(tokenizerJson));
  for (const file of listTextFiles(dataPath)) {
    const stat = fs.statSync(file);
    hash.update(`\0${path.resolve(file)}\0${stat.size}\0${stat.mtimeMs}`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** The token stream of `dataPath`, read from `cacheDir` when cached, else tokenized and cached there. */
export function loadTokenStreamCached(dataPath: string, tokenizer: StreamTokenizer & { tokenizerJson: unknown }, cacheDir: string): Uint32Array {
  const file = path.join(cacheDir, `${tokenCacheKey(dataPath, tokenizer.tokenizerJson)}.u32`);
  if (fs.existsSync(file)) {
    const bytes = fs.readFileSync(file);
    if (bytes.byteLength % 4 === 0) return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  const stream = loadTokenStream(dataPath, tokenizer);
  writeFileAtomic(file, new Uint8Array(stream.buffer, stream.byteOffset, stream.byteLength));
  return stream;
}
