// The messages between the Scaling Sweep panel (Step 8, webview) and its controller in the
// extension host. Requests are declared once as valibot schemas (type and guard from one
// declaration, see ../shared/protocol.ts); what the host sends is trusted and declared as plain
// types, a subset of the engine's results.json (extension/engine/scalingSweep/sweepResults.ts).
import * as v from 'valibot';
import { empty, guardOf, message, numberIn, oneOf, panelRequests, type KitNotification, type Message } from '../shared/protocol';

export const SCALING_SWEEP_VIEW_TYPE = 'llmPipeline.scalingSweep';

/** What the form sets: Kaplan FLOPs for the fitted runs, and training tokens per non-embedding parameter. */
const sweepSettings = v.strictObject({
  budgetFlops: numberIn(1e6, 1e18),
  tokensPerParameter: numberIn(0.1, 1000),
});
export type SweepSettings = v.InferOutput<typeof sweepSettings>;

/** What the webview keeps across reloads: the form. Runs and results live in the host and on disk. */
const panelState = v.strictObject({ settings: sweepSettings });
export type ScalingSweepPanelState = v.InferOutput<typeof panelState>;

const requests = panelRequests(panelState, [
  message('chooseData', v.strictObject({ kind: oneOf(['file', 'sample'] as const) })),
  message('start', v.strictObject({ settings: sweepSettings })),
  message('stop', empty),
  message('check', empty),
  message('saveResults', empty),
]);
export type ScalingSweepRequest = v.InferOutput<typeof requests>;

/** The guard the panel kit applies to every message from the Scaling Sweep webview. */
export const isScalingSweepRequest = guardOf(requests);

// ---- host → webview

export interface SweepRunPoint {
  readonly name: string;
  readonly n_embd: number;
  readonly non_embedding_parameters: number;
  readonly tokens: number;
  /** Kaplan's C = 6·N·D. */
  readonly flops: number;
  readonly val_loss: number;
}

export interface SweepResultsView {
  readonly data: string;
  readonly budget_flops: number;
  readonly tokens_per_parameter: number;
  readonly recipe: { readonly n_layer: number; readonly context: number; readonly batch: number };
  readonly runs: readonly SweepRunPoint[];
  readonly not_run: readonly string[];
  readonly cancelled: boolean;
  readonly fit: {
    readonly e: number;
    readonly a: number;
    readonly alpha: number;
    readonly alpha_interval: readonly [number, number];
    readonly bootstrap_samples: number;
  } | null;
  readonly kaplan_alpha_n: number;
  readonly prediction: (Omit<SweepRunPoint, 'val_loss'> & { readonly predicted_val_loss: number }) | null;
  readonly check: (SweepRunPoint & { readonly predicted_val_loss: number }) | null;
}

export type SweepStatus = 'idle' | 'running' | 'stopping' | 'finished' | 'stopped' | 'failed';

/** The run training now: its loss by step, as the training panel draws it. */
export interface CurrentRunView {
  /** 0-based position in the plan; the check run comes after the plan's runs. */
  readonly index: number;
  readonly planned: number;
  readonly name: string;
  readonly nonEmbeddingParameters: number;
  readonly check: boolean;
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: readonly (readonly [number, number])[];
  readonly validation: readonly (readonly [number, number])[];
}

export interface SweepView {
  /** `shipped`: the results.json committed with the walkthrough, shown until a sweep of one's own. */
  readonly source: 'shipped' | 'run';
  /** The results.json shown. */
  readonly file: string;
  readonly status: SweepStatus;
  /** Why it stopped or failed, in words. */
  readonly message?: string;
  readonly results: SweepResultsView | null;
  readonly current?: CurrentRunView;
}

export interface SetupView {
  /** e.g. "stories.txt (walkthrough sample)". */
  readonly data?: string;
  readonly defaults: SweepSettings;
}

export type ScalingSweepNotification = Message<'setup', SetupView> | Message<'sweep', SweepView> | KitNotification;
