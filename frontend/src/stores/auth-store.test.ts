import { describe, expect, it } from 'vitest';
import { refreshTokenStorage } from '@/lib/refresh-token';
import { hasPermission, isAdmin, useAuthStore } from '@/stores/auth-store';
import { fakeToken, me } from '@/testing/fake-server';

describe('auth store', () => {
  it('keeps the access token in memory and the refresh token in this tab only', () => {
    const token = fakeToken({ perms: ['board:use'] });
    useAuthStore.getState().setTokens({ access_token: token, refresh_token: 'refresh-1' });
    expect(useAuthStore.getState().accessToken).toBe(token);
    expect(sessionStorage.getItem('gw.refresh')).toBe('refresh-1');
    expect(JSON.stringify({ ...localStorage })).not.toContain(token);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(token);
  });

  it('becomes authenticated with the profile, and anonymous with nothing left after clear', () => {
    useAuthStore.getState().setTokens({ access_token: fakeToken(), refresh_token: 'r' });
    useAuthStore.getState().setUser(me);
    expect(useAuthStore.getState().status).toBe('authenticated');
    useAuthStore.getState().clear();
    expect(useAuthStore.getState()).toMatchObject({ status: 'anonymous', accessToken: null, claims: null, user: null });
    expect(refreshTokenStorage.get()).toBeNull();
  });

  it('reads permissions from the token to decide what to show', () => {
    useAuthStore.getState().setTokens({ access_token: fakeToken({ perms: ['board:use', 'users:read'] }), refresh_token: 'r' });
    expect(hasPermission(useAuthStore.getState(), 'board:use')).toBe(true);
    expect(isAdmin(useAuthStore.getState())).toBe(false);
    useAuthStore.getState().setTokens({ access_token: fakeToken({ perms: ['audit:read'] }), refresh_token: 'r' });
    expect(isAdmin(useAuthStore.getState())).toBe(true);
  });

  it('survives a malformed token without claims', () => {
    useAuthStore.getState().setTokens({ access_token: 'not-a-jwt', refresh_token: 'r' });
    expect(useAuthStore.getState().claims).toBeNull();
    expect(isAdmin(useAuthStore.getState())).toBe(false);
  });
});
