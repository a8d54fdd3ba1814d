// Block-wise symmetric 4-bit quantization, the layout of ONNX Runtime's MatMulNBits (bits = 4),
// which transformers.js's q4 models use. A weight W [K, N] (y = x·W) is cut, column by column,
// into blocks of `blockSize` consecutive rows, and each block b of column n gets its own scale:
//   scale_nb = max_{k in b} |W_kn| / 7
//   q_kn     = clamp(round(W_kn / scale_nb), −8, 7) + 8       a nibble 0..15; zero point 8
//   Ŵ_kn     = (q_kn − 8) · scale_nb                          what MatMulNBits multiplies by
// so each weight is off by at most scale_nb / 2, and one outlier only coarsens its own block of
// 32–128 weights instead of a whole channel as in per-channel int8.
// Storage: B [N, blocks, blockSize / 2] bytes, two nibbles per byte, the earlier row in the low
// nibble; scales [N · blocks] float32, column-major in blocks. A K that is not a multiple of the
// block size is padded with zeros in the last block.

export const INT4_BLOCK_SIZES = [32, 64, 128] as const;
export type Int4BlockSize = (typeof INT4_BLOCK_SIZES)[number];

export interface Int4Matrix {
  /** [K, N] of the float matrix this stands for. */
  readonly dims: readonly [number, number];
  readonly blockSize: number;
  /** Blocks per column: ceil(K / blockSize). */
  readonly blocks: number;
  /** [N, blocks, blockSize / 2] packed nibbles. */
  readonly packed: Uint8Array;
  /** [N · blocks]: scale of block b of column n at n · blocks + b. */
  readonly scales: Float32Array;
  /** Row k of the weight that set each block's scale (its largest |w|), same indexing as scales. */
  readonly outlierRows: Int32Array;
}

const ZERO_POINT = 8;

export function quantizeInt4(data: Float32Array, dims: readonly number[], blockSize: number): Int4Matrix {
  if (dims.length !== 2 || dims[0] * dims[1] !== data.length) throw new Error(`int4 quantization takes a matrix; got dims [${dims.join(', ')}] for ${data.length} values`);
  if (!(INT4_BLOCK_SIZES as readonly number[]).includes(blockSize)) throw new Error(`int4 block size must be one of ${INT4_BLOCK_SIZES.join(', ')}, not ${blockSize}`);
  const [K, N] = dims;
  const blocks = Math.ceil(K / blockSize);
  const half = blockSize / 2;
  const packed = new Uint8Array(N * blocks * half);
  const scales = new Float32Array(N * blocks);
  const outlierRows = new Int32Array(N * blocks);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const first = b * blockSize;
      const last = Math.min(first + blockSize, K);
      let maxAbs = 0;
      let outlier = first;
      for (let k = first; k < last; k++) {
        const v = Math.abs(data[k * N + n]);
        if (v > maxAbs) [maxAbs, outlier] = [v, k];
      }
      // An all-zero block gets scale 1 so that no 0/0 appears; its nibbles are all the zero point.
      const scale = maxAbs > 0 ? maxAbs / 7 : 1;
      scales[n * blocks + b] = scale;
      outlierRows[n * blocks + b] = outlier;
      const base = (n * blocks + b) * half;
      for (let k = first; k < first + blockSize; k++) {
        const w = k < last ? data[k * N + n] : 0;
        const q = Math.max(-8, Math.min(7, Math.round(w / scale))) + ZERO_POINT;
        const i = k - first;
        packed[base + (i >> 1)] |= (i & 1) === 0 ? q : q << 4;
      }
    }
  }
  return { dims: [K, N], blockSize, blocks, packed, scales, outlierRows };
}

/** The float [K, N] matrix an Int4Matrix stands for: (q − 8) · scale, as MatMulNBits computes. */
export function dequantizeInt4(m: Int4Matrix): Float32Array {
  const [K, N] = m.dims;
  const half = m.blockSize / 2;
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / m.blockSize);
      const i = k - b * m.blockSize;
      const byte = m.packed[(n * m.blocks + b) * half + (i >> 1)];
      const q = (i & 1) === 0 ? byte & 0x0f : byte >> 4;
      out[k * N + n] = (q - ZERO_POINT) * m.scales[n * m.blocks + b];
    }
  }
  return out;
}
