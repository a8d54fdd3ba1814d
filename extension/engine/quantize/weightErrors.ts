// What quantization does to each weight matrix: the distribution of the error ŵ − w (a histogram),
// and the outliers: the weights of largest |w| in their group, which set that group's scale
// (max|w| / 127 per output channel for int8, max|w| / 7 per block for int4). A group with one large
// outlier has a coarse grid for all of its other weights, which is where the error comes from.

import { dequantizeInt4, type Int4Matrix } from './int4';
import { dequantizeInt8, quantizeInt8 } from './int8';

export const HISTOGRAM_BINS = 21;
const OUTLIERS_SHOWN = 5;

export interface OutlierWeight {
  readonly row: number;
  readonly column: number;
  readonly value: number;
  /** The scale it set. */
  readonly scale: number;
}

export interface MatrixError {
  readonly matrix: string;
  readonly scheme: 'int8' | 'int4';
  readonly dims: readonly number[];
  /** Scales stored: one per output channel (int8) or per block of a column (int4). */
  readonly scales: number;
  readonly maxAbsError: number;
  /** √(mean (ŵ − w)²) */
  readonly rmsError: number;
  /** Counts of ŵ − w in HISTOGRAM_BINS equal bins over [−maxAbsError, maxAbsError]. */
  readonly histogram: readonly number[];
  /** The largest scale-setting weights, largest |w| first. */
  readonly outliers: readonly OutlierWeight[];
}

function errorSummary(original: Float32Array, restored: Float32Array): Pick<MatrixError, 'maxAbsError' | 'rmsError' | 'histogram'> {
  let maxAbsError = 0;
  let squares = 0;
  for (let i = 0; i < original.length; i++) {
    const e = restored[i] - original[i];
    maxAbsError = Math.max(maxAbsError, Math.abs(e));
    squares += e * e;
  }
  const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
  const width = (2 * maxAbsError) / HISTOGRAM_BINS || 1;
  for (let i = 0; i < original.length; i++) {
    const bin = Math.floor((restored[i] - original[i] + maxAbsError) / width);
    histogram[Math.min(HISTOGRAM_BINS - 1, Math.max(0, bin))]++;
  }
  return { maxAbsError, rmsError: Math.sqrt(squares / original.length), histogram };
}

const largest = (outliers: OutlierWeight[]) => outliers.sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, OUTLIERS_SHOWN);

/** int8 per output channel of a [K, N] matrix used as y = x·W (channel axis 1), or per row for axis 0. */
export function int8MatrixError(matrix: string, data: Float32Array, dims: readonly number[], axis: number): MatrixError {
  const q = quantizeInt8(data, dims, axis);
  const [rows, cols] = dims;
  const outliers: OutlierWeight[] = [];
  for (let c = 0; c < dims[axis]; c++) {
    let best = { row: 0, column: 0, value: 0 };
    const count = axis === 1 ? rows : cols;
    for (let i = 0; i < count; i++) {
      const [row, column] = axis === 1 ? [i, c] : [c, i];
      const value = data[row * cols + column];
      if (Math.abs(value) > Math.abs(best.value)) best = { row, column, value };
    }
    outliers.push({ ...best, scale: q.scales[c] });
  }
  return { matrix, scheme: 'int8', dims, scales: q.scales.length, ...errorSummary(data, dequantizeInt8(q)), outliers: largest(outliers) };
}

export function int4MatrixError(matrix: string, data: Float32Array, m: Int4Matrix): MatrixError {
  const [, N] = m.dims;
  const outliers: OutlierWeight[] = [];
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < m.blocks; b++) {
      const row = m.outlierRows[n * m.blocks + b];
      outliers.push({ row, column: n, value: data[row * N + n], scale: m.scales[n * m.blocks + b] });
    }
  }
  return { matrix, scheme: 'int4', dims: m.dims, scales: m.scales.length, ...errorSummary(data, dequantizeInt4(m)), outliers: largest(outliers) };
}
