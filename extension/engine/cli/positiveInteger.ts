// A numeric command-line option: absent stays undefined, anything but a whole number ≥ 1 is refused
// with the option's name, so no command runs with a window of 0 or 2.5 tokens.
export function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer, got "${text}"`);
  return parsed;
}
