import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, refreshAccessToken, setAuthFailureHandler, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';
import { refreshTokenStorage } from '@/lib/refresh-token';
import { useAuthStore } from '@/stores/auth-store';
import { FakeServer, fail, fakeToken, me, ok } from '@/testing/fake-server';

const OLD = fakeToken({ jti: 'old' });
const NEW = fakeToken({ jti: 'new' });

describe('api client: silent refresh', () => {
  let server: FakeServer;
  let failures: string[];

  beforeEach(() => {
    server = new FakeServer().install();
    failures = [];
    setAuthFailureHandler((next) => failures.push(next));
    useAuthStore.getState().setTokens({ access_token: OLD, refresh_token: 'r1' });
    useAuthStore.getState().setUser(me);
    window.history.replaceState(null, '', '/board/3?page=2');
  });

  afterEach(() => server.uninstall());

  it('shares one refresh among concurrent 401s and retries each request with the new token', async () => {
    let refreshes = 0;
    server
      .on('GET', '/things/:id', (req) =>
        req.headers.Authorization === `Bearer ${NEW}` ? ok({ url: req.url }) : fail(401, 'TOKEN_EXPIRED'),
      )
      .on('POST', '/auth/refresh', (req) => {
        refreshes += 1;
        expect(req.body).toEqual({ refresh_token: 'r1' });
        expect(req.headers.Authorization).toBeUndefined();
        return { ...ok({ access_token: NEW, refresh_token: 'r2', token_type: 'bearer', expires_in: 3600 }), delay: 20 };
      });

    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => unwrap<{ url: string }>(api.get(`/things/${n}`))));

    expect(results.map((r) => r.url)).toEqual(['/things/1', '/things/2', '/things/3', '/things/4', '/things/5']);
    expect(refreshes).toBe(1);
    expect(useAuthStore.getState().accessToken).toBe(NEW);
    expect(refreshTokenStorage.get()).toBe('r2');
    expect(failures).toEqual([]);
  });

  it('clears the session and sends the user to login with the intended URL when the refresh is refused', async () => {
    server
      .on('GET', '/things', fail(401, 'TOKEN_EXPIRED'))
      .on('POST', '/auth/refresh', fail(401, 'REFRESH_TOKEN_REUSED'));

    const attempts = Promise.allSettled([api.get('/things'), api.get('/things')]);
    const settled = await attempts;

    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(server.calls('POST', '/auth/refresh')).toHaveLength(1);
    expect(useAuthStore.getState().status).toBe('anonymous');
    expect(useAuthStore.getState().accessToken).toBeNull();
    expect(refreshTokenStorage.get()).toBeNull();
    expect(failures[0]).toBe('/board/3?page=2');
  });

  it('goes to login when the retried request is still unauthorised', async () => {
    server
      .on('GET', '/things', fail(401, 'TOKEN_REVOKED'))
      .on('POST', '/auth/refresh', ok({ access_token: NEW, refresh_token: 'r2', token_type: 'bearer', expires_in: 3600 }));
    await expect(api.get('/things')).rejects.toMatchObject({ status: 401, code: 'TOKEN_REVOKED' });
    expect(server.calls('GET', '/things')).toHaveLength(2);
    expect(failures).toEqual(['/board/3?page=2']);
  });

  it('does not refresh on a 401 that answers a form (wrong current password)', async () => {
    server.on('POST', '/auth/change-password', fail(401, 'INVALID_CREDENTIALS'));
    await expect(api.post('/auth/change-password', {})).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(server.calls('POST', '/auth/refresh')).toHaveLength(0);
    expect(useAuthStore.getState().status).toBe('authenticated');
  });

  it('keeps the session when the refresh cannot reach the server', async () => {
    server.on('GET', '/things', fail(401, 'TOKEN_EXPIRED')).on('POST', '/auth/refresh', { network: true });
    const error = await api.get('/things').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).isNetwork).toBe(true);
    expect(useAuthStore.getState().status).toBe('authenticated');
    expect(refreshTokenStorage.get()).toBe('r1');
    expect(failures).toEqual([]);
  });

  it('refuses to refresh without a stored refresh token', async () => {
    refreshTokenStorage.clear();
    await expect(refreshAccessToken()).rejects.toMatchObject({ code: 'NO_REFRESH_TOKEN' });
    expect(server.requests).toHaveLength(0);
  });

  it('turns a stopped backend into a NETWORK_ERROR', async () => {
    server.on('GET', '/things', { network: true });
    const spy = vi.fn();
    await api.get('/things').catch(spy);
    const error = spy.mock.calls[0]?.[0] as ApiError;
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.isTransient).toBe(true);
  });
});
