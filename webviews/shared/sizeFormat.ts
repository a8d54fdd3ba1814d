// How the calculator writes its figures: counts with digit grouping and a short form
// (8,030,261,248 = 8.03 B), FLOPs in scientific notation, bytes in binary units.

const SHORT: readonly [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];

export function count(n: number): string {
  const exact = Math.round(n).toLocaleString('en-US');
  const short = SHORT.find(([scale]) => n >= scale);
  return short ? `${exact} (${(n / short[0]).toPrecision(3)} ${short[1]})` : exact;
}

export function flops(n: number): string {
  return n.toExponential(3).replace('e+', ' × 10^');
}

export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
