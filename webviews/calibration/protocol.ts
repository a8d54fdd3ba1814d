// The messages between the Calibration panel (Step 7, webview) and its controller in the extension
// host. The host sends the reliability bins that Show Surprise's scoring pass counted
// (extension/engine/eval/calibration.ts); the webview only draws them. It keeps the last drawing
// in its state, so a reload shows it again without scoring anything.
import * as v from 'valibot';
import { guardOf, numberIn, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const CALIBRATION_VIEW_TYPE = 'llmPipeline.calibration';
/** More bins than this are not drawn (the engine's default is 10). */
export const MAX_BINS = 50;

const bin = v.strictObject({ low: numberIn(0, 1), high: numberIn(0, 1), count: whole(0, 1e9), confidence: numberIn(0, 1), accuracy: numberIn(0, 1) });

/** One file's calibration under one model, as drawn. */
const calibrationView = v.strictObject({
  /** The scored file's name (a selection of it says so in `scope`). */
  file: text(500),
  scope: text(500),
  model: text(500),
  bins: v.pipe(v.array(bin), v.minLength(1), v.maxLength(MAX_BINS), v.readonly()),
  /** Scored positions, expected calibration error, and top-1 accuracy over all of them. */
  count: whole(0, 1e9),
  ece: numberIn(0, 1),
  accuracy: numberIn(0, 1),
});
export type CalibrationView = v.InferOutput<typeof calibrationView>;
export type BinView = CalibrationView['bins'][number];

const panelState = v.strictObject({ view: v.optional(calibrationView) });
export type CalibrationPanelState = v.InferOutput<typeof panelState>;

const requests = panelRequests(panelState, []);
export type CalibrationRequest = v.InferOutput<typeof requests>;
export const isCalibrationRequest = guardOf(requests);

export type CalibrationNotification = Message<'calibration', CalibrationView> | KitNotification;
