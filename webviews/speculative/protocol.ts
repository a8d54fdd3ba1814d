// The messages between the Speculative Decoding panel (Step 8) and its controller in the extension
// host. Requests are valibot schemas (type and guard from one declaration); what the host sends is
// trusted and declared as plain types.
import * as v from 'valibot';
import { empty, guardOf, message, panelRequests, text, whole, type KitNotification, type Message } from '../shared/protocol';

export const SPECULATIVE_VIEW_TYPE = 'llmPipeline.speculative';
export const MAX_PROMPT_CHARS = 2000;
export const MAX_NEW_TOKENS = 200;
export const MAX_DRAFT_TOKENS = 8;

const settings = v.strictObject({ prompt: text(MAX_PROMPT_CHARS), maxNewTokens: whole(1, MAX_NEW_TOKENS), draftTokens: whole(1, MAX_DRAFT_TOKENS) });
export type SpeculativeSettings = v.InferOutput<typeof settings>;
const panelState = settings;
export type SpeculativePanelState = v.InferOutput<typeof panelState>;

const requests = panelRequests(panelState, [
  message('run', settings),
  message('chooseDraft', empty),
  message('trainDraft', empty),
  message('cancel', empty),
]);
export type SpeculativeRequest = v.InferOutput<typeof requests>;
export const isSpeculativeRequest = guardOf(requests);

/** What the run uses: the active model as target, and the draft (empty until one is chosen or trained). */
export interface SpeculativeSetup {
  readonly target: string;
  readonly draft: string;
  /** How the draft came to be: picked by the user, or trained by this panel. */
  readonly draftOrigin: 'chosen' | 'trained' | 'none';
}

/** One round of the report as the engine gives it (generate/speculativeRun.ts). */
export interface RoundView {
  readonly proposed: readonly string[];
  readonly accepted: number;
  readonly targetToken: string;
}

export interface SpeculativeView {
  readonly target: string;
  readonly draft: string;
  readonly prompt: string;
  readonly rounds: readonly RoundView[];
  readonly tokens: number;
  readonly acceptanceRate: number;
  readonly proposedTokens: number;
  readonly acceptedTokens: number;
  readonly targetCalls: number;
  readonly draftCalls: number;
  readonly draftTokens: number;
  readonly greedyMs: number;
  readonly speculativeMs: number;
  readonly speedup: number;
  readonly matchesGreedy: boolean;
}

export type SpeculativeNotification =
  | Message<'setup', SpeculativeSetup>
  | Message<'result', SpeculativeView>
  | KitNotification;
