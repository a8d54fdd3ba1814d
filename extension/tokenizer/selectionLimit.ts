// The range of llmPipeline.tokenizer.maxSelectionBytes, kept apart from the editor code so that
// package.json's declaration can be checked against it. A workspace's settings.json is not
// trusted: whatever it says is held to this range (and the setting is restricted in untrusted
// workspaces).

export const SELECTION_BYTES_RANGE = { min: 1024, max: 16 * 1_048_576, default: 1_048_576 } as const;

/** The setting's value as honoured: a number held to the range, the default for anything else. */
export function clampSelectionBytes(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return SELECTION_BYTES_RANGE.default;
  return Math.min(SELECTION_BYTES_RANGE.max, Math.max(SELECTION_BYTES_RANGE.min, Math.floor(value)));
}
