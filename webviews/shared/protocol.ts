// The envelope every message between the extension host and a webview uses, and the pieces each
// panel's protocol (webviews/<panel>/protocol.ts) is declared with.
//
// What a webview sends is untrusted, so each panel declares its requests once, as a valibot
// schema: the TypeScript type is inferred from it (v.InferOutput) and the runtime guard checks
// against it (v.is), so the two cannot drift apart. valibot was chosen over zod because it is
// built of small functions that esbuild tree-shakes: a panel's bundle carries only the checks it
// uses (a few kB), where zod's classes come whole. What the host sends the webview is declared as
// plain types, except messages that carry large typed arrays: those are schemas too, and the
// webview checks each array's length against the shape before it draws.
import * as v from 'valibot';

export interface Message<T extends string = string, P = unknown> {
  readonly type: T;
  readonly payload: P;
}

/** A runtime check that an untrusted value is one of a panel's webview-to-host messages. */
export type MessageGuard<M extends Message> = (value: unknown) => value is M;

/** `{ type, payload }` with exactly these two keys: the schema of one message. */
export function message<T extends string, P extends v.GenericSchema>(type: T, payload: P) {
  return v.strictObject({ type: v.literal(type), payload });
}

/** The guard for a schema: true only for values the schema accepts, typed as its output. */
export function guardOf<S extends v.GenericSchema>(schema: S): (value: unknown) => value is v.InferOutput<S> {
  return (value: unknown): value is v.InferOutput<S> => v.is(schema, value);
}

// ---- the start-up data in every panel's HTML (extension/panels/webviewHtml.ts, webviews/shared/boot.ts)

export const BOOT_ELEMENT_ID = 'webview-boot';

export interface PanelBoot {
  /** The webview's strings, translated by the host with vscode.l10n.t(). */
  readonly strings: Readonly<Record<string, string>>;
}

// ---- field schemas the panels share

/** A string of at most `max` UTF-16 units. */
export const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
/** A finite number in [min, max]. */
export const numberIn = (min: number, max: number) => v.pipe(v.number(), v.finite(), v.minValue(min), v.maxValue(max));
/** An integer in [min, max]. */
export const whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
/** A payload with nothing in it: `{}`. */
export const empty = v.strictObject({});
/** One of the given names. */
export const oneOf = <const T extends readonly string[]>(names: T) => v.picklist(names);

// Typed arrays cross from the host as binary (VS Code transfers their buffers; JSON would turn
// each number into text). A schema checks the array's kind; the message's schema checks its
// length against the shape the message declares.
/** A Float32Array (over any buffer). */
export const float32s = () => v.custom<Float32Array>((value) => value instanceof Float32Array, 'expected a Float32Array');
/** An Int32Array (over any buffer). */
export const int32s = () => v.custom<Int32Array>((value) => value instanceof Int32Array, 'expected an Int32Array');

// ---- what every panel's webview can send: the kit handles these for it

/** File names a webview suggests for an export: letters, digits, dot, dash, underscore; no folders, no leading dot. */
export const fileStem = v.pipe(v.string(), v.regex(/^(?!\.)[\w.-]{1,120}$/));

export const IMAGE_FORMATS = ['png', 'svg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** The largest exported image: a PNG as base64, or SVG text. */
export const MAX_IMAGE_CHARS = 96 * 1024 * 1024;
const SVG_START = /^\s*(<\?xml[^>]*>\s*)?<svg[\s>/]/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * "Save as PNG / SVG": `data` is the SVG text, or the PNG's bytes as base64 (no data: prefix).
 * The host checks the bytes again before it writes them (extension/panels/imageFile.ts).
 */
export const imageExport = v.pipe(
  v.strictObject({ name: fileStem, format: v.picklist(IMAGE_FORMATS), data: text(MAX_IMAGE_CHARS) }),
  v.check(({ format, data }) => (format === 'svg' ? SVG_START.test(data) : BASE64.test(data))),
);
export type ImageExport = v.InferOutput<typeof imageExport>;

/**
 * All requests of a panel: `ready` (the webview listens now; `state` is what it saved with
 * setState, for a panel restored after a reload), `export` (save a view as an image), and the
 * panel's own `requests`. The result is one schema; its output type is the panel's request union.
 */
export function panelRequests<S extends v.GenericSchema, const R extends v.VariantOptions<'type'>>(state: S, requests: R) {
  return v.variant('type', [message('ready', v.strictObject({ state: v.optional(state) })), message('export', imageExport), ...requests]);
}

/** The requests the kit answers itself, whatever the panel. */
export type KitRequestType = 'ready' | 'export';
/** A request the panel answers itself (every one but `ready` and `export`). */
export type OwnRequest<R extends Message> = Exclude<R, { readonly type: KitRequestType }>;
/** The state a panel's webview saves with setState(), as its `ready` request carries it. */
export type SavedState<R extends Message> = R extends { readonly type: 'ready'; readonly payload: { readonly state?: infer S } } ? S : never;

// ---- what the kit posts to every panel's webview

/** Work in progress: which task (the panel's own name), a line to show, and how far it got. */
export interface Busy {
  readonly task: string;
  readonly message?: string;
  readonly done?: number;
  readonly total?: number;
}

/** `busy` with null clears it; `error` shows a failure until the next result. */
export type KitNotification = Message<'busy', Busy | null> | Message<'error', { readonly message: string }>;
