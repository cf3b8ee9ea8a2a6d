import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from '@/lib/api-error';

function axiosError(status: number, data: unknown, headers: Record<string, string> = {}): AxiosError {
  const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
  return new AxiosError('failed', 'ERR_BAD_REQUEST', config, {}, {
    status,
    statusText: '',
    data,
    headers: new AxiosHeaders(headers),
    config,
  });
}

const envelope = (code: string, details: Record<string, unknown> = {}) => ({
  success: false,
  error: { code, message: `${code} message`, details },
  timestamp: '2025-01-01T00:00:00Z',
});

describe('toApiError', () => {
  it('reads code, message and details from the error envelope', () => {
    const e = toApiError(axiosError(409, envelope('USERNAME_TAKEN', { username: 'kim' }), { 'x-request-id': 'req-12345678' }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, code: 'USERNAME_TAKEN', message: 'USERNAME_TAKEN message', requestId: 'req-12345678' });
    expect(e.details).toEqual({ username: 'kim' });
  });

  it('maps FastAPI validation errors to fields, without the body/query prefix', () => {
    const e = toApiError(
      axiosError(
        422,
        envelope('VALIDATION_ERROR', {
          errors: [
            { loc: ['body', 'title'], msg: 'String should have at least 1 character', type: 'string_too_short' },
            { loc: ['body', 'items', 0, 'x'], msg: 'too large', type: 'less_than_equal' },
            { loc: ['query', 'q'], msg: 'required', type: 'missing' },
          ],
        }),
      ),
    );
    expect(e.fieldErrors).toEqual({
      title: ['String should have at least 1 character'],
      'items.0.x': ['too large'],
      q: ['required'],
    });
  });

  it('maps INVALID_FORM_DATA field reasons to fields', () => {
    const e = toApiError(axiosError(422, envelope('INVALID_FORM_DATA', { fields: { amount: 'must be a number' } })));
    expect(e.fieldErrors).toEqual({ amount: ['must be a number'] });
  });

  it('keeps Retry-After of a rate limit', () => {
    const e = toApiError(axiosError(429, envelope('TOO_MANY_ATTEMPTS', { retry_after: 30 }), { 'retry-after': '30' }));
    expect(e.retryAfter).toBe(30);
    expect(e.isTransient).toBe(false);
  });

  it('treats a response without an envelope by its status', () => {
    expect(toApiError(axiosError(502, '<html>bad gateway</html>'))).toMatchObject({ code: 'INTERNAL_ERROR', isTransient: true });
    expect(toApiError(axiosError(400, 'nope')).code).toBe('UNEXPECTED_RESPONSE');
  });

  it('treats no response at all as a network error, and a timeout as TIMEOUT', () => {
    const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
    expect(toApiError(new AxiosError('Network Error', 'ERR_NETWORK', config))).toMatchObject({ status: 0, code: 'NETWORK_ERROR', isNetwork: true });
    expect(toApiError(new AxiosError('timeout', 'ECONNABORTED', config)).code).toBe('TIMEOUT');
  });

  it('flags 403 and 404', () => {
    expect(toApiError(axiosError(403, envelope('BOARD_FORBIDDEN'))).isForbidden).toBe(true);
    expect(toApiError(axiosError(404, envelope('POST_NOT_FOUND'))).isNotFound).toBe(true);
  });
});
