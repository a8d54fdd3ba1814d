// The messages between the Plot Forgetting panel (Step 8, continual learning) and its controller in
// the extension host. Requests are valibot schemas (type and guard from one declaration); what the
// host sends is trusted and declared as plain types.
import * as v from 'valibot';
import { empty, guardOf, message, numberIn, panelRequests, whole, type KitNotification, type Message } from '../shared/protocol';

export const FORGETTING_VIEW_TYPE = 'llmPipeline.forgetting';
/** Replay takes at most this share of a batch: some new text is always learned. */
export const MAX_REPLAY_RATIO = 0.9;
export const MIN_STEPS = 10;
export const MAX_STEPS = 2000;

const settings = v.strictObject({ replayRatio: numberIn(0, MAX_REPLAY_RATIO), steps: whole(MIN_STEPS, MAX_STEPS) });
export type ForgettingSettings = v.InferOutput<typeof settings>;
const panelState = settings;
export type ForgettingPanelState = v.InferOutput<typeof panelState>;

const requests = panelRequests(panelState, [
  message('run', settings),
  message('chooseNewData', empty),
  message('chooseOldValidation', empty),
  message('cancel', empty),
]);
export type ForgettingRequest = v.InferOutput<typeof requests>;
export const isForgettingRequest = guardOf(requests);

/** The files a run uses, by name; empty when the default is not in this installation. */
export interface ForgettingSetup {
  readonly model: string;
  readonly newData: string;
  readonly replayData: string;
  readonly oldValidation: string;
}

export interface CurveView {
  readonly replayRatio: number;
  readonly points: readonly { readonly step: number; readonly oldLoss: number; readonly newLoss: number }[];
}

export interface ForgettingView {
  /** `shipped`: the result committed with the walkthrough; `saved`: this user's last run; `live`: a run in progress. */
  readonly source: 'shipped' | 'saved' | 'live';
  readonly model: string;
  readonly newData: string;
  readonly oldValidation: string;
  /** Steps of each fine-tuning (the x axis). */
  readonly steps: number;
  readonly curves: readonly CurveView[];
  /** The run was cancelled: the curves end where it stopped. */
  readonly cancelled: boolean;
}

export type ForgettingNotification =
  | Message<'setup', ForgettingSetup>
  | Message<'curves', ForgettingView>
  | KitNotification;
