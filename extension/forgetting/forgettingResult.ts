// A forgetting result on disk, in the CLI's shape (`npm run cli -- forgetting --json`): the shipped
// walkthroughs/continual-learning/forgetting.json, and the user's last run saved by the panel. Read
// back with a check of its shape, so a hand-edited or truncated file gets a clear message.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../engine/modelFolder/atomicWrite';
import type { CurveView, ForgettingView } from '../../webviews/forgetting/protocol';

export const SHIPPED_RESULT_PATH = ['walkthroughs', 'continual-learning', 'forgetting.json'] as const;

export interface ForgettingResultFile {
  readonly model: string;
  readonly new_data: string;
  readonly replay_data: string;
  readonly old_validation: string;
  /** Steps of each fine-tuning; absent in files from the CLI (the last measured step is used). */
  readonly steps?: number;
  readonly cancelled?: boolean;
  readonly curves: readonly CurveView[];
}

const isCurve = (c: unknown): c is CurveView =>
  typeof c === 'object' && c !== null && typeof (c as CurveView).replayRatio === 'number' && Array.isArray((c as CurveView).points) &&
  (c as CurveView).points.every((p) => typeof p?.step === 'number' && typeof p.oldLoss === 'number' && typeof p.newLoss === 'number');

export function readForgettingResult(file: string): ForgettingResultFile {
  let value: Partial<ForgettingResultFile>;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable JSON file (${(error as Error).message})`);
  }
  if (!Array.isArray(value.curves) || !value.curves.every(isCurve)) throw new Error(`${file}: "curves" must be a list of {replayRatio, points: [{step, oldLoss, newLoss}]}`);
  return value as ForgettingResultFile;
}

export function writeForgettingResult(file: string, result: ForgettingResultFile): void {
  writeFileAtomic(file, `${JSON.stringify(result, null, 1)}\n`);
}

/** What the panel draws of a result file. */
export function resultView(result: ForgettingResultFile, source: ForgettingView['source']): ForgettingView {
  const lastStep = Math.max(1, ...result.curves.flatMap((c) => c.points.map((p) => p.step)));
  return {
    source, model: path.basename(result.model), newData: path.basename(result.new_data), oldValidation: path.basename(result.old_validation),
    steps: result.steps ?? lastStep, curves: result.curves, cancelled: result.cancelled ?? false,
  };
}
