// Small random Llama-family model folders, as Hugging Face writes them: config.json with the real
// key names, safetensors weights (F32 or BF16, one file or two shards with
// model.safetensors.index.json) and a byte-level tokenizer.json, with reserved special tokens up to
// vocab_size as Llama 3's tokenizer has them. Weights are drawn larger than a
// trained model's (std 0.2 rather than 0.02) so that logits and attention are far from uniform.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Mulberry32 } from '../../extension/engine/generate/random';
import type { Tensor, TensorMap } from '../../extension/engine/gpt/tensor';
import { parseLlamaConfig } from '../../extension/engine/llama/configJson';
import { llamaParameters } from '../../extension/engine/llama/parameters';
import { float16ToFloat32 } from '../../extension/engine/modelFolder/float16';
import { encodeSafetensors } from '../../extension/engine/modelFolder/safetensors';
import { byteTokenizerJson } from '../../extension/engine/train/byteTokenizer';

const PYTHON = '/usr/bin/python3';
const REFERENCE = path.join(__dirname, 'python', 'llama_reference.py');

export interface Reference {
  /** [T][vocab] for the prompt. */
  readonly logits: number[][];
  /** [layer][head][T][T] */
  readonly attentions: number[][][][];
  /** The greedy continuation, each step recomputing the whole sequence. */
  readonly greedy: number[];
}

/**
 * test/unit/python/llama_reference.py on a folder: a plain PyTorch transcription of Hugging Face's
 * modelling code. Needs /usr/bin/python3 with torch and NumPy (Debian: python3-torch).
 */
export async function pytorchReference(dir: string, prompt: readonly number[], newTokens: number): Promise<Reference> {
  const { stdout } = await promisify(execFile)(PYTHON, [REFERENCE, dir, JSON.stringify(prompt), String(newTokens)], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Reference;
}

export interface FixtureOptions {
  readonly seed: number;
  readonly dtype: 'F32' | 'F16' | 'BF16';
  readonly shards: 1 | 2;
  /** Extra tensors stored beside the parameters (a checkpoint's rotary buffers, say). */
  readonly extra?: TensorMap;
  /** Ids the tokenizer has (default vocab_size); fewer makes a vocabulary padded past the tokenizer. */
  readonly tokenizerIds?: number;
}

export function writeLlamaFolder(dir: string, configJson: Record<string, unknown>, options: FixtureOptions): TensorMap {
  fs.mkdirSync(dir, { recursive: true });
  const config = parseLlamaConfig(configJson);
  const random = new Mulberry32(options.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const weights: TensorMap = new Map();
  for (const spec of llamaParameters(config)) {
    const gain = spec.name.endsWith('norm.weight');
    const data = Float32Array.from({ length: spec.dims.reduce((a, b) => a * b, 1) }, () => (gain ? 1 : 0) + (gain ? 0.1 : 0.2) * normal());
    const rounded = options.dtype === 'BF16' ? data.map(roundToBfloat16) : options.dtype === 'F16' ? data.map((v) => float16ToFloat32(float16Bits(v))) : data;
    weights.set(spec.name, { dims: spec.dims, data: rounded });
  }
  const stored: TensorMap = new Map([...weights, ...(options.extra ?? [])]);
  const encode = options.dtype === 'BF16' ? encodeBfloat16 : options.dtype === 'F16' ? encodeFloat16 : (t: TensorMap) => encodeSafetensors(t, { format: 'pt' });
  if (options.shards === 1) {
    fs.writeFileSync(path.join(dir, 'model.safetensors'), encode(stored));
  } else {
    const names = [...stored.keys()];
    const halves = [names.slice(0, names.length / 2), names.slice(names.length / 2)];
    const weightMap: Record<string, string> = {};
    halves.forEach((half, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      fs.writeFileSync(path.join(dir, file), encode(new Map(half.map((name) => [name, stored.get(name) as Tensor]))));
      for (const name of half) weightMap[name] = file;
    });
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
  }
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(configJson, null, 2));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(withReservedTokens(byteTokenizerJson(), options.tokenizerIds ?? config.vocab_size)));
  return weights;
}

/** The byte tokenizer (257 ids) with `<|reserved_special_token_i|>` added up to `ids`. */
function withReservedTokens(tokenizer: Record<string, unknown>, ids: number): Record<string, unknown> {
  const added = tokenizer.added_tokens as { id: number }[];
  const reserved = Array.from({ length: Math.max(0, ids - 257) }, (_, i) => ({
    id: 257 + i, content: `<|reserved_special_token_${i}|>`, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  return { ...tokenizer, added_tokens: [...added, ...reserved] };
}

/** The nearest bfloat16 (round half to even on the upper 16 bits), as a float32. */
function roundToBfloat16(value: number): number {
  const bits = new Uint32Array(Float32Array.of(value).buffer)[0];
  const rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000;
  return new Float32Array(Uint32Array.of(rounded >>> 0).buffer)[0];
}

/** A safetensors file with every tensor stored as BF16 (values already bfloat16-exact: the upper 16 bits of each float32). */
function encodeBfloat16(tensors: TensorMap): Uint8Array {
  return encodeRaw(
    [...tensors].map(([name, tensor]) => {
      const words = Uint16Array.from(new Uint32Array(Float32Array.from(tensor.data).buffer), (bits) => bits >>> 16);
      return { name, dtype: 'BF16', shape: tensor.dims, bytes: new Uint8Array(words.buffer) };
    }),
  );
}

/** A safetensors file with every tensor stored as F16. */
function encodeFloat16(tensors: TensorMap): Uint8Array {
  return encodeRaw([...tensors].map(([name, tensor]) => ({ name, dtype: 'F16', shape: tensor.dims, bytes: new Uint8Array(Uint16Array.from(tensor.data, float16Bits).buffer) })));
}

/** IEEE half-precision bits of the nearest float16 (round half to even), for values in its normal range or zero. */
function float16Bits(value: number): number {
  const bits = new Uint32Array(Float32Array.of(value).buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign; // below 2^-14: the fixtures' weights never are, except 0
  if (exponent >= 0x1f) throw new Error(`${value} is too large for float16`);
  const half = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half);
}

/** A safetensors file from raw tensor bytes, for dtypes encodeSafetensors does not write. */
export function encodeRaw(entries: ReadonlyArray<{ name: string; dtype: string; shape: readonly number[]; bytes: Uint8Array }>): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const { name, dtype, shape, bytes } of entries) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let position = 8 + json.length;
  for (const { bytes } of entries) {
    out.set(bytes, position);
    position += bytes.length;
  }
  return out;
}
