// errors.ts: the error codes clients see in `extensions.code` of a GraphQL
// error (and in the JSON errors of GET /export), spelled one way, and how the
// dashboard words a failure for people.

/** ERROR_CODES are the only codes the server sends in extensions.code. */
export const ERROR_CODES = [
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'UNAVAILABLE',
  'INTERNAL',
  'TIMEOUT',
  'UNAUTHENTICATED',
  'BAD_REQUEST',
  'TOO_MANY_REQUESTS',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** ErrorCode.X names each code, so that code compares against one spelling. */
export const ErrorCode = Object.fromEntries(ERROR_CODES.map((c) => [c, c])) as { readonly [C in ErrorCode]: C };

export function isErrorCode(s: unknown): s is ErrorCode {
  return typeof s === 'string' && (ERROR_CODES as readonly string[]).includes(s);
}

/**
 * ApiError is a failed request: the network, the HTTP status, or a GraphQL
 * error. code is one of ERROR_CODES, or null when the server sent none (or
 * one this dashboard does not know: the message still says what happened).
 */
export class ApiError extends Error {
  readonly code: ErrorCode | null;
  constructor(message: string, code?: string | null) {
    super(message);
    this.name = 'ApiError';
    this.code = isErrorCode(code) ? code : null;
  }
}

/** codeForStatus gives the code an HTTP status stands for when a response carries no code of its own. */
export function codeForStatus(status: number): ErrorCode | null {
  switch (status) {
    case 400:
      return ErrorCode.BAD_REQUEST;
    case 401:
    case 403:
      return ErrorCode.UNAUTHENTICATED;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 409:
      return ErrorCode.CONFLICT;
    case 422:
      return ErrorCode.BAD_USER_INPUT;
    case 429:
      return ErrorCode.TOO_MANY_REQUESTS;
    case 502:
    case 503:
      return ErrorCode.UNAVAILABLE;
    case 504:
      return ErrorCode.TIMEOUT;
    default:
      return status >= 500 ? ErrorCode.INTERNAL : null;
  }
}

/** unreachable is the error for a request that never got an answer (the network, a server that is down). */
export function unreachable(what: string, err: unknown): ApiError {
  return new ApiError(`${what} could not be reached (${(err as Error)?.message ?? String(err)}).`, ErrorCode.UNAVAILABLE);
}

/**
 * fromResponse turns a failed HTTP answer into an ApiError: the first error
 * of a GraphQL-style JSON body ({errors: [{message, extensions: {code}}]})
 * when there is one, else the status with the start of the body.
 */
export function fromResponse(what: string, status: number, body: string): ApiError {
  try {
    const j = JSON.parse(body) as { errors?: { message?: string; extensions?: { code?: string } }[] };
    const e = j.errors?.[0];
    if (e?.message) return new ApiError(e.message, e.extensions?.code ?? codeForStatus(status));
  } catch {
    // Not JSON: fall through to the status.
  }
  const text = body.trim().slice(0, 200);
  return new ApiError(`${what} answered ${status}${text ? `: ${text}` : ''}`, codeForStatus(status));
}

/** describe words an error for the alert: what happened and, where it helps, what to do. */
export function describe(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.code) {
      case ErrorCode.TIMEOUT:
        return `The graph service took too long to answer and stopped the request. Try again, or ask for less (fewer nodes or a shorter path). (${err.message})`;
      case ErrorCode.UNAVAILABLE:
        return `The graph service is not available right now; try again in a moment. (${err.message})`;
      case ErrorCode.TOO_MANY_REQUESTS:
        return `The graph service is busy with too many requests; wait a moment and try again. (${err.message})`;
      case ErrorCode.UNAUTHENTICATED:
        return `The graph service refused the request: it needs a valid API key. (${err.message})`;
      default:
        return `The query failed: ${err.message}`;
    }
  }
  return `Something went wrong: ${(err as Error)?.message ?? String(err)}`;
}
