// Where the refresh token lives between page loads: sessionStorage of this tab. The access token never
// leaves memory (stores/auth-store.ts). Per tab on purpose: the server rotates the refresh token on every
// use and treats a reused one as theft, so two tabs sharing one token would log each other out.
const KEY = 'gw.refresh';

export const refreshTokenStorage = {
  get(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      // storage disabled: the session then ends with the page
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      // nothing stored
    }
  },
};
