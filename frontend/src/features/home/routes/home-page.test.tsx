import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppProvider } from '@/app/provider';
import { createQueryClient } from '@/lib/query-client';
import { useAuthStore } from '@/stores/auth-store';
import { useLayoutStore } from '@/stores/layout-store';
import { FakeServer, fail, fakeToken, me, ok, type FakeReply } from '@/testing/fake-server';
import { renderWithApp } from '@/testing/render';
import { preloadHome } from '../preload-home';
import { HomePage } from './home-page';

const saved = {
  items: [
    { type: 'pending-approvals', x: 0, y: 0, w: 6, h: 4, visible: true, config: {} },
    { type: 'notices', x: 6, y: 0, w: 6, h: 4, visible: true, config: {} },
    { type: 'org-chart', x: 0, y: 4, w: 4, h: 5, visible: false, config: {} },
  ],
  is_default: false,
  updated_at: '2025-01-01T00:00:00Z',
};
const pendingData = {
  type: 'pending-approvals',
  total: 1,
  items: [{ id: 7, title: '휴가 신청', document_type: 'LEAVE', document_number: null, status: 'in_progress', current_step: 1, author_id: 2, author_name: '이영희', submitted_at: '2025-01-01T00:00:00Z' }],
};
const defaults = {
  items: [{ type: 'my-profile', x: 0, y: 0, w: 4, h: 3, visible: true, config: {} }],
  is_default: true,
  updated_at: null,
};

describe('HomePage', () => {
  let server: FakeServer;
  let noticesReply: FakeReply;

  beforeEach(() => {
    useAuthStore.getState().setTokens({ access_token: fakeToken(), refresh_token: 'r' });
    useAuthStore.getState().setUser(me);
    useLayoutStore.setState({ items: [], loaded: false, revision: 0, savedRevision: 0 });
    noticesReply = fail(503, 'DEPENDENCY_UNAVAILABLE');
    server = new FakeServer()
      .install()
      .on('GET', '/portal/layout', ok(saved))
      .on('PUT', '/portal/layout', (req) => {
        const body = req.body as { items: unknown[] };
        return ok(body.items.length ? { items: body.items, is_default: false, updated_at: '2025-01-02T00:00:00Z' } : defaults);
      })
      .on('GET', '/portal/data/pending-approvals', ok(pendingData))
      .on('GET', '/portal/data/notices', () => noticesReply)
      .on('GET', '/portal/data/my-profile', ok({ type: 'my-profile', profile: me }));
  });
  afterEach(() => server.uninstall());

  it('loads each portlet on its own: one failing shows its own error and recovers on retry', async () => {
    renderWithApp(<HomePage />);
    const pending = await screen.findByTestId('portlet-pending-approvals');
    expect(await within(pending).findByText('휴가 신청')).toBeInTheDocument();
    const notices = screen.getByTestId('portlet-notices');
    expect(await within(notices).findByTestId('retry-button')).toBeInTheDocument();
    expect(screen.queryByTestId('portlet-org-chart')).toBeNull();
    noticesReply = ok({ type: 'notices', items: [] });
    fireEvent.click(within(notices).getByTestId('retry-button'));
    expect(await within(notices).findByText('공지사항이 없습니다')).toBeInTheDocument();
  });

  it('saves the whole layout after hiding a portlet, and the saved layout is what a reload shows', async () => {
    renderWithApp(<HomePage />);
    fireEvent.click(await screen.findByTestId('portlet-hide-notices'));
    await waitFor(() => expect(server.calls('PUT', '/portal/layout')).toHaveLength(1), { timeout: 3000 });
    const body = server.calls('PUT', '/portal/layout')[0]!.body as typeof saved;
    expect(body.items).toEqual([saved.items[0], { ...saved.items[1], visible: false }, saved.items[2]]);
    expect(await screen.findByTestId('layout-status')).toHaveAttribute('data-state', 'saved');
    expect(screen.queryByTestId('portlet-notices')).toBeNull();
  });

  it('resets to the default layout by saving an empty list', async () => {
    renderWithApp(<HomePage />);
    await screen.findByTestId('portlet-notices');
    fireEvent.click(screen.getByTestId('layout-reset'));
    fireEvent.click(await screen.findByTestId('layout-reset-confirm'));
    await waitFor(() => expect(screen.getByTestId('portlet-my-profile')).toBeInTheDocument());
    expect(server.calls('PUT', '/portal/layout')[0]!.body).toEqual({ items: [] });
    expect(screen.queryByTestId('portlet-notices')).toBeNull();
  });

  it('shows a failed save with a retry and keeps the change', async () => {
    server.on('PUT', '/portal/layout', fail(422, 'VALIDATION_ERROR', 'bad', { errors: [] }));
    renderWithApp(<HomePage />);
    fireEvent.click(await screen.findByTestId('portlet-hide-notices'));
    await waitFor(() => expect(screen.getByTestId('layout-status')).toHaveAttribute('data-state', 'error'), { timeout: 3000 });
    expect(screen.queryByTestId('portlet-notices')).toBeNull();
    await act(async () => {
      server.on('PUT', '/portal/layout', ok({ ...saved, is_default: false }));
      fireEvent.click(screen.getByTestId('layout-save-retry'));
    });
    await waitFor(() => expect(screen.getByTestId('layout-status')).toHaveAttribute('data-state', 'saved'));
  });

  it('loads the visible portlets in one batch request, not one request per portlet', async () => {
    server.on('GET', '/portal/data', ok({ 'pending-approvals': pendingData, notices: { type: 'notices', items: [] } }));
    renderWithApp(<HomePage />);
    expect(await within(await screen.findByTestId('portlet-pending-approvals')).findByText('휴가 신청')).toBeInTheDocument();
    expect(await within(screen.getByTestId('portlet-notices')).findByText('공지사항이 없습니다')).toBeInTheDocument();
    expect(server.calls('GET', '/portal/data').map((r) => r.params)).toEqual([{ types: 'pending-approvals,notices' }]);
    expect(server.calls('GET', '/portal/data/pending-approvals')).toHaveLength(0);
    expect(server.calls('GET', '/portal/data/notices')).toHaveLength(0);
  });

  it('renders a preloaded home page with its grid and data at once, without skeletons', async () => {
    server.on('GET', '/portal/data', ok({ 'pending-approvals': pendingData, notices: { type: 'notices', items: [] } }));
    const client = createQueryClient();
    await preloadHome(client);
    await waitFor(() => expect(client.getQueryData(['portal', 'data', 'notices'])).toBeDefined());
    render(
      <AppProvider client={client}>
        <MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <HomePage />
        </MemoryRouter>
      </AppProvider>,
    );
    // The very first render: no page skeleton, no portlet skeleton, the data already there.
    expect(within(screen.getByTestId('portlet-pending-approvals')).getByText('휴가 신청')).toBeInTheDocument();
    expect(screen.getByTestId('portlet-body-notices')).toBeInTheDocument();
    expect(document.querySelector('[data-testid^="portlet-skeleton-"]')).toBeNull();
    expect(server.calls('GET', '/portal/layout')).toHaveLength(1);
    expect(server.requests.filter((r) => r.url.startsWith('/portal/data/'))).toHaveLength(0);
  });
});
