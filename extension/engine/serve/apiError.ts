// Errors as the OpenAI HTTP API reports them, so that every client library understands them:
//   HTTP 4xx/5xx with { "error": { "message", "type", "param", "code" } }.
// The status says whose fault it is (400 the request, 401 the token, 404 a path or model, 413 a body
// too large, 429 the queue full, 500 the server); `param` names the field that was wrong.

export type ApiErrorType = 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ApiErrorType = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The JSON body of the error response. */
  body(): { error: { message: string; type: ApiErrorType; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A request field that is missing, of the wrong type or out of range: 400 naming the field. */
export const invalidParam = (param: string, message: string): ApiError => new ApiError(400, message, 'invalid_request_error', param, 'invalid_value');
