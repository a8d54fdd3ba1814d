// Attention drawn on the file: each key token gets one of a few background strengths, as many
// distinct decorations as there are levels. The levels are relative to the row's largest weight,
// so the token attended to most is always the strongest, whatever the spread.

/** Weights under this share of the row's largest are not drawn at all. */
export const MIN_SHARE = 0.05;

/** The level (0 = not drawn, 1..levels) of each weight of one attention row. */
export function intensityLevels(row: ArrayLike<number>, levels: number): number[] {
  let max = 0;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  return Array.from(row, (w) => {
    if (max <= 0 || w < MIN_SHARE * max) return 0;
    return Math.max(1, Math.ceil((w / max) * levels));
  });
}
