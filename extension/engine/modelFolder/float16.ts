// Half-precision formats widened to float32, for weights and tensors stored as F16 or BF16.
//   F16:  1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
//   BF16: the top 16 bits of a float32, so widening is a shift.

export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal: 0.mantissa × 2^-14
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function float16ArrayToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = float16ToFloat32(halves[i]);
  return out;
}

export function bfloat16ArrayToFloat32(halves: Uint16Array): Float32Array {
  const words = new Uint32Array(halves.length);
  for (let i = 0; i < halves.length; i++) words[i] = halves[i] << 16;
  return new Float32Array(words.buffer);
}
