// The envelope every message between the extension host and a webview uses.
// Each panel declares its own unions of these in webviews/<panel>/protocol.ts,
// which both sides import, plus a validator for what the webview sends.

export interface Message<T extends string = string, P = unknown> {
  readonly type: T;
  readonly payload: P;
}

/** A runtime check that an untrusted value is one of a panel's webview-to-host messages. */
export type MessageGuard<M extends Message> = (value: unknown) => value is M;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` is `{ type, payload }` with the given type and a payload accepted by `payloadOk`. */
export function isMessageOf<T extends string>(
  value: unknown,
  type: T,
  payloadOk: (payload: unknown) => boolean,
): value is Message<T, unknown> {
  return isObject(value) && value.type === type && payloadOk(value.payload);
}
