import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { AppProvider } from '@/app/provider';
import { RequireAdmin, RequireAuth } from '@/app/guards';
import { useAuthStore } from '@/stores/auth-store';
import { fakeToken, me } from '@/testing/fake-server';

function LoginProbe() {
  const location = useLocation();
  return <div data-testid="login">{location.search}</div>;
}

function app(route: string) {
  return render(
    <AppProvider>
      <MemoryRouter initialEntries={[route]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route path="/login" element={<LoginProbe />} />
          <Route element={<RequireAuth />}>
            <Route path="/board/:id" element={<div data-testid="board" />} />
            <Route element={<RequireAdmin />}>
              <Route path="/admin/*" element={<div data-testid="admin" />} />
            </Route>
          </Route>
        </Routes>
      </MemoryRouter>
    </AppProvider>,
  );
}

describe('route guards', () => {
  it('sends a signed-out visitor to login, keeping the intended URL', () => {
    useAuthStore.getState().clear();
    app('/board/3?page=2#c5');
    expect(screen.getByTestId('login').textContent).toBe(`?next=${encodeURIComponent('/board/3?page=2#c5')}`);
  });

  it('shows the Forbidden page to a signed-in user without admin permissions', () => {
    useAuthStore.getState().setTokens({ access_token: fakeToken({ perms: ['board:use'] }), refresh_token: 'r' });
    useAuthStore.getState().setUser(me);
    app('/admin/users');
    expect(screen.getByTestId('forbidden')).toBeInTheDocument();
    expect(screen.queryByTestId('admin')).toBeNull();
  });

  it('lets an administrator in', () => {
    useAuthStore.getState().setTokens({ access_token: fakeToken({ perms: ['users:manage'] }), refresh_token: 'r' });
    useAuthStore.getState().setUser(me);
    app('/admin/users');
    expect(screen.getByTestId('admin')).toBeInTheDocument();
  });
});
