// Who is signed in: the access token (memory only), its claims and the user's profile. Server data other
// than the signed-in user lives in TanStack Query, not here.
import { create } from 'zustand';
import { decodeClaims, type AccessClaims } from '@/lib/jwt';
import { refreshTokenStorage } from '@/lib/refresh-token';
import type { UserDetail } from '@/types/api-helpers';

export type AuthStatus = 'unknown' | 'authenticated' | 'anonymous';

/** Permissions that open at least one admin screen. */
export const ADMIN_PERMISSIONS = [
  'users:manage',
  'users:manage-department',
  'org:manage',
  'roles:manage',
  'audit:read',
  'audit:read-department',
  'settings:manage',
  'system:monitor',
  'approval:admin',
  'board:admin',
  'ad-sync:manage',
] as const;

export interface AuthState {
  status: AuthStatus;
  accessToken: string | null;
  claims: AccessClaims | null;
  user: UserDetail | null;
  /** Stores a fresh token pair: the access token here, the refresh token in this tab's session storage. */
  setTokens: (tokens: { access_token: string; refresh_token: string }) => void;
  setUser: (user: UserDetail) => void;
  /** Signed out (or the session could not be renewed). */
  clear: () => void;
}

export const useAuthStore = create<AuthState>()((set) => ({
  status: 'unknown',
  accessToken: null,
  claims: null,
  user: null,
  setTokens: ({ access_token, refresh_token }) => {
    refreshTokenStorage.set(refresh_token);
    set({ accessToken: access_token, claims: decodeClaims(access_token) });
  },
  setUser: (user) => set({ user, status: 'authenticated' }),
  clear: () => {
    refreshTokenStorage.clear();
    set({ status: 'anonymous', accessToken: null, claims: null, user: null });
  },
}));

export function hasPermission(state: Pick<AuthState, 'claims'>, perm: string): boolean {
  return !!state.claims?.perms.includes(perm);
}

export function isAdmin(state: Pick<AuthState, 'claims'>): boolean {
  return ADMIN_PERMISSIONS.some((p) => hasPermission(state, p));
}

export const useHasPermission = (perm: string) => useAuthStore((s) => hasPermission(s, perm));
export const useIsAdmin = () => useAuthStore(isAdmin);
