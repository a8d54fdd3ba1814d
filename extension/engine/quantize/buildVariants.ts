// The quantization lab's model folder, built at run time from the active model: its full-precision
// decode graph and three variants beside it, named as transformers.js and Optimum name them, so the
// folder loads there with dtype "fp32", "fp16", "int8" or "q4":
//   onnx/model.onnx        fp32: the weights as trained
//   onnx/model_fp16.onnx   fp16 weights, cast to float32 at load (fp16Model.ts)
//   onnx/model_int8.onnx   int8 per output channel, weight-only: W8A16-style (quantizeModel.ts)
//   onnx/model_q4.onnx     int4 in blocks (MatMulNBits); the tied embedding int8 per row (int4Model.ts)
// plus the small files a loader needs (config, tokenizer). Every file is written atomically.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDecodeModel } from '../gpt/decodeModel';
import { writeFileAtomic } from '../modelFolder/atomicWrite';
import { readGPT2Weights } from '../modelFolder/gpt2Weights';
import { readModelFolder } from '../modelFolder/readModelFolder';
import { OnnxModel } from '../onnx/reader';
import { convertDecodeModelFp16 } from './fp16Model';
import { quantizeDecodeModelInt4 } from './int4Model';
import { quantizeDecodeModelInt8 } from './quantizeModel';
import { int4MatrixError, int8MatrixError, type MatrixError } from './weightErrors';

export const VARIANTS = ['fp32', 'fp16', 'int8', 'q4'] as const;
export type Variant = (typeof VARIANTS)[number];
export const VARIANT_FILES: Readonly<Record<Variant, string>> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  int8: 'onnx/model_int8.onnx',
  q4: 'onnx/model_q4.onnx',
};
const COPIED_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];

export interface BuiltVariants {
  readonly dir: string;
  readonly blockSize: number;
  readonly matrices: readonly MatrixError[];
}

/** The model folder's float32 decode graph: onnx/model.onnx, or one built from our GPT-2's weights. */
function fullPrecisionGraph(modelDir: string): Uint8Array {
  const folder = readModelFolder(modelDir);
  if (folder.onnxFiles.includes(VARIANT_FILES.fp32)) return fs.readFileSync(path.join(folder.dir, VARIANT_FILES.fp32));
  if (folder.gpt2 && folder.safetensorsFile) return buildDecodeModel(folder.gpt2.gpt, readGPT2Weights(folder.safetensorsFile, folder.gpt2.gpt));
  throw new Error(`${modelDir}: has no full-precision ${VARIANT_FILES.fp32} to quantize (only ${folder.onnxFiles.join(', ') || 'no graph'})`);
}

/** Writes the four variants of `modelDir` into `outDir` and measures each matrix's quantization error. */
export function buildQuantizedVariants(modelDir: string, outDir: string, blockSize: number): BuiltVariants {
  const fp32 = fullPrecisionGraph(modelDir);
  const source = path.join(path.basename(modelDir), VARIANT_FILES.fp32);
  const int8 = quantizeDecodeModelInt8(fp32, source);
  const q4 = quantizeDecodeModelInt4(fp32, blockSize, source);
  // What the int4 pass left as float (the tied embedding) goes to int8, as in int8 alone.
  const q4Final = quantizeDecodeModelInt8(q4.bytes, source);
  const graphs: Record<Variant, Uint8Array> = { fp32, fp16: convertDecodeModelFp16(fp32, source), int8: int8.bytes, q4: q4Final.bytes };

  const original = OnnxModel.fromBytes(fp32, source);
  const floats = (name: string) => original.readInitializer(name).data as Float32Array;
  const matrices: MatrixError[] = [
    ...int8.weights.map((w) => int8MatrixError(w.name, floats(w.name), w.dims, w.axis)),
    ...q4.weights.map((w) => int4MatrixError(w.name, w.float, w.matrix)),
  ];

  fs.mkdirSync(path.join(outDir, 'onnx'), { recursive: true });
  for (const file of COPIED_FILES) {
    const from = path.join(modelDir, file);
    if (fs.existsSync(from)) writeFileAtomic(path.join(outDir, file), fs.readFileSync(from));
  }
  for (const variant of VARIANTS) writeFileAtomic(path.join(outDir, VARIANT_FILES[variant]), graphs[variant]);
  return { dir: outDir, blockSize, matrices };
}

/** Bytes of each variant's graph on disk. */
export function variantSizes(dir: string): Record<Variant, number> {
  return Object.fromEntries(VARIANTS.map((v) => [v, fs.statSync(path.join(dir, VARIANT_FILES[v])).size])) as Record<Variant, number>;
}
