// The one HTTP client of the app. It adds the in-memory access token, renews it once when the server
// answers 401 (every concurrent caller waits on the same refresh), and turns every failure into an
// ApiError. When the session cannot be renewed it clears it and hands the intended URL to the router.
import axios, { type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import { ApiError, toApiError } from '@/lib/api-error';
import { refreshTokenStorage } from '@/lib/refresh-token';
import { useAuthStore } from '@/stores/auth-store';
import type { TokenPair } from '@/types/api-helpers';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Send without the access token and never refresh on 401 (login, refresh). */
    skipAuth?: boolean;
    /** Set on the one retry after a refresh. */
    _retried?: boolean;
  }
}

export const API_BASE = '/api/v1';

export const api = axios.create({ baseURL: API_BASE, timeout: 30_000 });

type AuthFailureHandler = (next: string) => void;

function currentUrl(): string {
  const { pathname, search, hash } = window.location;
  return `${pathname}${search}${hash}`;
}

let onAuthFailure: AuthFailureHandler = (next) => {
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
};

/** The router registers how to go to the login page (keeping in-memory state, unlike a reload). */
export function setAuthFailureHandler(handler: AuthFailureHandler): void {
  onAuthFailure = handler;
}

function authFailed(): void {
  const wasSignedIn = useAuthStore.getState().status === 'authenticated';
  useAuthStore.getState().clear();
  const next = currentUrl();
  if (wasSignedIn && !window.location.pathname.startsWith('/login')) onAuthFailure(next);
}

/** 401 codes that mean "this access token no longer works" (a refresh may help). Others, such as a wrong
 * current password on password change (INVALID_CREDENTIALS), are answers for the form. */
export const SESSION_CODES = new Set(['AUTH_REQUIRED', 'INVALID_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'UNAUTHORIZED']);

let refreshing: Promise<string> | null = null;

/**
 * Exchanges the stored refresh token for a new pair. Concurrent callers share one request: the server
 * rotates the refresh token, so a second request with the same token would count as reuse and end the
 * whole session.
 */
export function refreshAccessToken(): Promise<string> {
  refreshing ??= (async () => {
    try {
      const refreshToken = refreshTokenStorage.get();
      if (!refreshToken) {
        throw new ApiError({ status: 401, code: 'NO_REFRESH_TOKEN', message: 'not signed in' });
      }
      const res = await api.post<{ data: TokenPair }>(
        '/auth/refresh',
        { refresh_token: refreshToken },
        { skipAuth: true },
      );
      useAuthStore.getState().setTokens(res.data.data);
      return res.data.data.access_token;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

api.interceptors.request.use((config: InternalAxiosRequestConfig) => {
  const token = useAuthStore.getState().accessToken;
  if (token && !config.skipAuth) config.headers.set('Authorization', `Bearer ${token}`);
  return config;
});

api.interceptors.response.use(undefined, async (error: unknown) => {
  const apiError = toApiError(error);
  const config = (error as { config?: AxiosRequestConfig }).config;
  if (apiError.status !== 401 || !SESSION_CODES.has(apiError.code) || !config || config.skipAuth) throw apiError;
  if (config._retried) {
    authFailed();
    throw apiError;
  }
  try {
    await refreshAccessToken();
  } catch (refreshError) {
    // A refresh that never reached the server proves nothing about the session: keep it, show a retry.
    const reason = toApiError(refreshError);
    if (reason.isTransient) throw reason;
    authFailed();
    throw apiError;
  }
  return api.request({ ...config, _retried: true });
});

/** The `data` of a success envelope. */
export async function unwrap<T>(request: Promise<{ data: { data: T } }>): Promise<T> {
  return (await request).data.data;
}

/** A paginated list envelope: rows and pagination. */
export async function unwrapPage<T>(
  request: Promise<{ data: { data: T[]; pagination: { page: number; limit: number; total: number; totalPages: number } } }>,
): Promise<{ data: T[]; pagination: { page: number; limit: number; total: number; totalPages: number } }> {
  const body = (await request).data;
  return { data: body.data, pagination: body.pagination };
}
