// Numbers as the panel writes them.

/** 0.4231 → "42.3%", tiny values keep two significant digits: 0.00012 → "0.012%". */
export function percent(p: number): string {
  const value = p * 100;
  if (value === 0) return '0%';
  if (value < 0.1) return `${value.toPrecision(2)}%`;
  return `${value.toFixed(1)}%`;
}

/** 1536 → "1.5 KB"; bytes as people read them. */
export function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/** Milliseconds with sensible precision. */
export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}
