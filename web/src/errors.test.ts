import { describe, expect, it } from 'vitest';
import { ApiError, codeForStatus, describe as describeError, ERROR_CODES, ErrorCode, fromResponse, isErrorCode, unreachable } from './errors';

describe('error codes', () => {
  it('are exactly the codes the server sends, spelled one way', () => {
    expect([...ERROR_CODES].sort()).toEqual(
      ['BAD_REQUEST', 'BAD_USER_INPUT', 'CONFLICT', 'INTERNAL', 'NOT_FOUND', 'TIMEOUT', 'TOO_MANY_REQUESTS', 'UNAUTHENTICATED', 'UNAVAILABLE'],
    );
    for (const c of ERROR_CODES) expect(ErrorCode[c]).toBe(c);
    expect(isErrorCode('TIMEOUT')).toBe(true);
    expect(isErrorCode('EUNAVAILABLE')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });

  it('ApiError keeps a known code and drops one it does not know', () => {
    expect(new ApiError('m', 'NOT_FOUND').code).toBe('NOT_FOUND');
    expect(new ApiError('m', 'SOMETHING_NEW').code).toBeNull();
    expect(new ApiError('m').code).toBeNull();
  });

  it('maps an HTTP status without a code onto a code', () => {
    expect(codeForStatus(400)).toBe('BAD_REQUEST');
    expect(codeForStatus(401)).toBe('UNAUTHENTICATED');
    expect(codeForStatus(404)).toBe('NOT_FOUND');
    expect(codeForStatus(429)).toBe('TOO_MANY_REQUESTS');
    expect(codeForStatus(502)).toBe('UNAVAILABLE');
    expect(codeForStatus(503)).toBe('UNAVAILABLE');
    expect(codeForStatus(504)).toBe('TIMEOUT');
    expect(codeForStatus(500)).toBe('INTERNAL');
    expect(codeForStatus(418)).toBeNull();
  });
});

describe('fromResponse', () => {
  it('reads the code and message of a GraphQL-style error body', () => {
    const body = JSON.stringify({ errors: [{ message: 'the export took too long and was stopped', extensions: { code: 'TIMEOUT' } }] });
    const e = fromResponse('/export', 503, body);
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe('the export took too long and was stopped');
  });

  it('falls back on the status for other bodies', () => {
    const e = fromResponse('/export', 502, '<html>Bad Gateway</html>');
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.message).toBe('/export answered 502: <html>Bad Gateway</html>');
    expect(fromResponse('/export', 400, JSON.stringify({ errors: [{ message: 'depth "x" is not a whole number' }] })).code).toBe('BAD_REQUEST');
  });
});

describe('describe', () => {
  it('says clearly when the service timed out', () => {
    const m = describeError(new ApiError('the request took too long and was stopped', 'TIMEOUT'));
    expect(m).toMatch(/took too long/);
    expect(m).toMatch(/try again/i);
  });

  it('says clearly when the service is unavailable or unreachable', () => {
    expect(describeError(new ApiError('store down', 'UNAVAILABLE'))).toMatch(/not available right now/);
    expect(describeError(unreachable('The API', new TypeError('Failed to fetch')))).toMatch(/not available right now.*could not be reached \(Failed to fetch\)/);
  });

  it('words other failures as a failed query, and anything else as something that went wrong', () => {
    expect(describeError(new ApiError('no node "x"', 'NOT_FOUND'))).toBe('The query failed: no node "x"');
    expect(describeError(new Error('boom'))).toBe('Something went wrong: boom');
  });
});
