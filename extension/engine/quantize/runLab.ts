// The quantization lab as one job: build the variants of a model folder, measure them on a text,
// and return everything the panel and `quantize --json` show.

import { readBoundedFileSync } from '../files/readBounded';
import { loadTokenizerFile } from '../tokenizer/loadTokenizerFile';
import { buildQuantizedVariants } from './buildVariants';
import { compareVariants } from './compareVariants';
import type { LabRequest, LabResult } from './labProtocol';

/** The lab's text is scored in full up to this many tokens. */
export const MAX_LAB_TOKENS = 200_000;
const SHOWN_TOKENS = 600;
const MAX_TEXT_BYTES = 16 * 1_048_576;

export async function runQuantizationLab(
  request: LabRequest, onProgress: (stage: 'build' | 'measure', done: number, total: number) => void = () => {},
): Promise<LabResult> {
  const bytes = readBoundedFileSync(request.file, MAX_TEXT_BYTES);
  if (bytes.includes(0)) throw new Error(`${request.file}: is a binary file, not text`);
  onProgress('build', 0, 1);
  const built = buildQuantizedVariants(request.model, request.out, request.blockSize);
  onProgress('build', 1, 1);
  const tokenizer = await loadTokenizerFile(request.out);
  const tokens = tokenizer.encodeIds(bytes.toString('utf8'));
  const comparison = await compareVariants(request.out, tokens, {
    variants: request.variants,
    maxTokens: Math.min(request.maxTokens ?? MAX_LAB_TOKENS, MAX_LAB_TOKENS),
    shownTokens: SHOWN_TOKENS,
    onProgress: (done, total) => onProgress('measure', done, total),
  });
  return {
    model: request.model,
    folder: request.out,
    file: request.file,
    blockSize: request.blockSize,
    window: comparison.window,
    scoredTokens: comparison.scoredTokens,
    measurements: comparison.measurements,
    matrices: built.matrices,
    pieces: comparison.tokens.slice(0, SHOWN_TOKENS).map((id) => tokenizer.decode([id])),
  };
}
