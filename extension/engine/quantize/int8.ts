// Symmetric int8 quantization with one scale per output channel, the scheme ONNX Runtime's and
// PyTorch's weight quantizers use by default for linear layers:
//   scale_c = max_i |w_ic| / 127          one float per channel c
//   q_ic    = round(w_ic / scale_c)       an int8 in [-127, 127]; zero point 0
//   ŵ_ic    = q_ic · scale_c              what DequantizeLinear gives back
// so the error of each weight is at most scale_c / 2. One scale per channel instead of one per
// tensor keeps a channel of small weights from losing its precision to one large outlier elsewhere.

export interface Int8Tensor {
  readonly dims: readonly number[];
  /** Which axis holds the channels: each index along it has its own scale. */
  readonly axis: number;
  readonly values: Int8Array;
  readonly scales: Float32Array;
}

/** Index of `flat` along `axis` for a row-major 2-D tensor of `dims`. */
function channelOf(flat: number, dims: readonly number[], axis: number): number {
  return axis === 0 ? Math.floor(flat / dims[1]) : flat % dims[1];
}

function checkMatrix(dims: readonly number[], axis: number, length: number): void {
  if (dims.length !== 2) throw new Error(`int8 quantization takes matrices; got dims [${dims.join(', ')}]`);
  if (axis !== 0 && axis !== 1) throw new Error(`the channel axis of a matrix is 0 or 1, got ${axis}`);
  if (dims[0] * dims[1] !== length) throw new Error(`${length} values do not fill dims [${dims.join(', ')}]`);
}

export function quantizeInt8(data: Float32Array, dims: readonly number[], axis: number): Int8Tensor {
  checkMatrix(dims, axis, data.length);
  const maxAbs = new Float32Array(dims[axis]);
  for (let i = 0; i < data.length; i++) {
    const c = channelOf(i, dims, axis);
    maxAbs[c] = Math.max(maxAbs[c], Math.abs(data[i]));
  }
  // An all-zero channel gets scale 1 so that dequantizing never divides by or multiplies with 0/0.
  const scales = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const values = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    values[i] = Math.max(-127, Math.min(127, Math.round(data[i] / scales[channelOf(i, dims, axis)])));
  }
  return { dims, axis, values, scales };
}

/** The float weights an int8 tensor stands for: q · scale, exactly what DequantizeLinear computes. */
export function dequantizeInt8(t: Int8Tensor): Float32Array {
  const out = new Float32Array(t.values.length);
  for (let i = 0; i < out.length; i++) out[i] = t.values[i] * t.scales[channelOf(i, t.dims, t.axis)];
  return out;
}
