import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from 'antd';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '@/lib/query-client';
import type { DocumentOut } from '../api/approval-api';
import { DocumentActions } from './document-actions';

function renderActions(allowed: string[]) {
  const doc = { id: 7, status: 'in_progress', current_step: 0, allowed_actions: allowed } as unknown as DocumentOut;
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <App>
          <DocumentActions doc={doc} />
        </App>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('document actions', () => {
  it('offers only what the server allows', () => {
    renderActions(['approve', 'reject', 'hold']);
    expect(screen.getByTestId('doc-action-approve')).toBeInTheDocument();
    expect(screen.getByTestId('doc-action-reject')).toBeInTheDocument();
    expect(screen.queryByTestId('doc-action-withdraw')).toBeNull();
    expect(screen.queryByTestId('doc-action-final_approve')).toBeNull();
  });

  it('shows nothing to a reader who may not act', () => {
    renderActions([]);
    expect(screen.queryByTestId('doc-actions')).toBeNull();
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('does not let a rejection go without a reason', async () => {
    renderActions(['approve', 'reject']);
    await userEvent.click(screen.getByTestId('doc-action-reject'));
    const confirm = await screen.findByTestId('action-confirm');
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByTestId('action-comment'), '영수증 누락');
    expect(confirm).toBeEnabled();
  });
});
