import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '@/stores/auth-store';
import { FakeServer, fail, fakeToken, me, ok } from '@/testing/fake-server';
import { renderWithApp } from '@/testing/render';
import { LoginForm } from './login-form';

describe('LoginForm', () => {
  let server: FakeServer;
  beforeEach(() => {
    server = new FakeServer().install();
    useAuthStore.getState().clear();
  });
  afterEach(() => server.uninstall());

  it('checks the fields before asking the server', async () => {
    const onSuccess = vi.fn();
    renderWithApp(<LoginForm onSuccess={onSuccess} />);
    fireEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-username-error')).toHaveTextContent('아이디를 입력하세요');
    expect(screen.getByTestId('login-password-error')).toHaveTextContent('비밀번호를 입력하세요');
    fireEvent.change(screen.getByTestId('login-username'), { target: { value: 'x'.repeat(65) } });
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'pw' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-username-error')).toHaveTextContent('64자 이하');
    expect(server.requests).toHaveLength(0);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('shows the server refusing the credentials and clears the password', async () => {
    server.on('POST', '/auth/login', fail(401, 'INVALID_CREDENTIALS', 'username or password is incorrect'));
    renderWithApp(<LoginForm onSuccess={vi.fn()} />);
    await userEvent.type(screen.getByTestId('login-username'), 'kim');
    await userEvent.type(screen.getByTestId('login-password'), 'wrong-password');
    await userEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-error')).toHaveTextContent('아이디 또는 비밀번호가 올바르지 않습니다');
    expect(screen.getByTestId('login-password')).toHaveValue('');
    expect(server.calls('POST', '/auth/refresh')).toHaveLength(0);
  });

  it('explains a locked account with the minutes to wait', async () => {
    server.on('POST', '/auth/login', fail(403, 'ACCOUNT_LOCKED', 'locked', { retry_after: 600 }));
    renderWithApp(<LoginForm onSuccess={vi.fn()} />);
    await userEvent.type(screen.getByTestId('login-username'), 'kim');
    await userEvent.type(screen.getByTestId('login-password'), 'x');
    await userEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByTestId('login-error')).toHaveTextContent('10분');
  });

  it('signs in: tokens and profile in the store, then onSuccess', async () => {
    const token = fakeToken({ perms: ['board:use'] });
    server
      .on('POST', '/auth/login', (req) => {
        expect(req.body).toEqual({ username: 'kim', password: 'Secret-pass1' });
        return ok({ access_token: token, refresh_token: 'r1', token_type: 'bearer', expires_in: 3600 });
      })
      .on('GET', '/users/me', (req) => (req.headers.Authorization === `Bearer ${token}` ? ok(me) : fail(401, 'AUTH_REQUIRED')));
    const onSuccess = vi.fn();
    renderWithApp(<LoginForm onSuccess={onSuccess} />);
    await userEvent.type(screen.getByTestId('login-username'), ' kim ');
    await userEvent.type(screen.getByTestId('login-password'), 'Secret-pass1');
    await userEvent.click(screen.getByTestId('login-submit'));
    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(useAuthStore.getState()).toMatchObject({ status: 'authenticated', accessToken: token });
    expect(useAuthStore.getState().user?.name).toBe('김민수');
  });
});
