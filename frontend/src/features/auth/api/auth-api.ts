// Sign-in, sign-out, the signed-in user's profile and password change.
import { api, refreshAccessToken, unwrap } from '@/lib/api-client';
import { toApiError } from '@/lib/api-error';
import { queryClient } from '@/lib/query-client';
import { refreshTokenStorage } from '@/lib/refresh-token';
import { isLanguage } from '@/lib/i18n';
import { useAuthStore } from '@/stores/auth-store';
import { useUiStore } from '@/stores/ui-store';
import type { Schema, TokenPair, UserDetail } from '@/types/api-helpers';

export function fetchMe(): Promise<UserDetail> {
  return unwrap(api.get('/users/me'));
}

export function updateMe(body: Schema<'MeUpdate'>): Promise<UserDetail> {
  return unwrap(api.put('/users/me', body));
}

/** The language picked in this browser wins and is saved to the profile; otherwise the profile's is used. */
export function syncLanguage(user: UserDetail): void {
  const ui = useUiStore.getState();
  if (ui.languageChosen) {
    if (user.locale !== ui.language) {
      useAuthStore.getState().setUser({ ...user, locale: ui.language });
      api.put('/users/me', { locale: ui.language }).catch(() => undefined);
    }
  } else if (isLanguage(user.locale) && user.locale !== ui.language) {
    ui.setLanguage(user.locale, false);
  }
}

export async function login(username: string, password: string): Promise<UserDetail> {
  const tokens = await unwrap<TokenPair>(api.post('/auth/login', { username, password }, { skipAuth: true }));
  useAuthStore.getState().setTokens(tokens);
  const me = await fetchMe();
  useAuthStore.getState().setUser(me);
  syncLanguage(me);
  return me;
}

export async function logout(): Promise<void> {
  const refreshToken = refreshTokenStorage.get();
  try {
    await api.post('/auth/logout', { refresh_token: refreshToken });
  } catch {
    // Signed out locally whatever the server says; the access token expires on its own.
  } finally {
    useAuthStore.getState().clear();
    queryClient.clear();
  }
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const tokens = await unwrap<TokenPair>(
    api.post('/auth/change-password', { current_password: currentPassword, new_password: newPassword }),
  );
  // Every other session was signed out; this one goes on with the fresh pair.
  useAuthStore.getState().setTokens(tokens);
}

export type BootstrapResult = 'authenticated' | 'anonymous' | 'offline';

/** On page load: renew the session from this tab's refresh token, if any, and load the profile. */
export async function bootstrapSession(): Promise<BootstrapResult> {
  const store = useAuthStore.getState();
  if (!refreshTokenStorage.get()) {
    store.clear();
    return 'anonymous';
  }
  try {
    await refreshAccessToken();
    const me = await fetchMe();
    store.setUser(me);
    syncLanguage(me);
    return 'authenticated';
  } catch (error) {
    if (toApiError(error).isTransient) return 'offline';
    store.clear();
    return 'anonymous';
  }
}
