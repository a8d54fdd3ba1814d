// The messages between the quantization lab panel (Step 6) and its controller in the extension
// host. Requests are valibot schemas (type and guard from one declaration); what the host sends is
// trusted and declared as plain types.
import * as v from 'valibot';
import { empty, guardOf, message, panelRequests, whole, type KitNotification, type Message } from '../shared/protocol';

export const QUANTIZATION_VIEW_TYPE = 'llmPipeline.quantization';
export const BLOCK_SIZES = [32, 64, 128] as const;

const blockSize = v.picklist(BLOCK_SIZES);
const panelState = v.strictObject({ blockSize, matrix: whole(0, 100_000) });
export type QuantizationPanelState = v.InferOutput<typeof panelState>;

const requests = panelRequests(panelState, [
  message('run', v.strictObject({ blockSize })),
  message('chooseFile', empty),
  message('cancel', empty),
]);
export type QuantizationRequest = v.InferOutput<typeof requests>;
export const isQuantizationRequest = guardOf(requests);

export interface VariantRow {
  readonly variant: 'fp32' | 'fp16' | 'int8' | 'q4';
  readonly file: string;
  readonly bytes: number;
  readonly loadMs: number;
  readonly prefillTokensPerSecond: number;
  readonly decodeTokensPerSecond: number;
  readonly perplexity: number;
  readonly top1Agreement: number;
  readonly meanKL: number;
  readonly flips: readonly number[];
}

export interface MatrixView {
  readonly matrix: string;
  readonly scheme: 'int8' | 'int4';
  readonly dims: readonly number[];
  readonly scales: number;
  readonly maxAbsError: number;
  readonly rmsError: number;
  readonly histogram: readonly number[];
  readonly outliers: readonly { readonly row: number; readonly column: number; readonly value: number; readonly scale: number }[];
}

export interface LabView {
  readonly model: string;
  readonly folder: string;
  readonly file: string;
  readonly blockSize: number;
  readonly window: number;
  readonly scoredTokens: number;
  readonly measurements: readonly VariantRow[];
  readonly matrices: readonly MatrixView[];
  readonly pieces: readonly string[];
}

export type QuantizationNotification =
  | Message<'setup', { readonly model: string; readonly file: string }>
  | Message<'result', LabView>
  | KitNotification;
