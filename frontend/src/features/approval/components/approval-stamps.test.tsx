import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DocumentOut } from '../api/approval-api';
import { ApprovalStamps } from './approval-stamps';

function doc(partial: Partial<DocumentOut>): DocumentOut {
  return {
    id: 1, template_id: 1, document_type: 'GEN', title: '협조 요청', author_id: 10, author_name: '박사원',
    status: 'in_progress', current_step: 1, document_number: null, version: 1, submitted_at: '2026-11-20T01:00:00Z',
    completed_at: null, created_at: '2026-11-20T01:00:00Z', updated_at: '2026-11-20T01:00:00Z', content: '',
    form_data: {}, line_spec: {}, previous_version_id: null, workflow_id: 'approval-1', lines: [], history: [],
    attachments: [], allowed_actions: [], ...partial,
  } as DocumentOut;
}

const line = (step: number, approver: number, name: string, status: string, extra: object = {}) => ({
  line_type: 'approval', step_order: step, approver_id: approver, approver_name: name, group_rule: null,
  required_count: null, status, comment: null, acted_by_id: null, on_behalf_of_id: null, acted_at: null, ...extra,
});

describe('결재란', () => {
  it('shows the drafter, then each step with its state', () => {
    render(<ApprovalStamps doc={doc({ lines: [line(0, 2, '이팀장', 'approved', { acted_at: '2026-11-20T02:00:00Z', acted_by_id: 2 }), line(1, 3, '김본부장', 'pending'), line(2, 4, '최대표', 'waiting')] })} />);
    expect(screen.getByTestId('stamp-drafter')).toHaveTextContent('박사원');
    expect(screen.getByTestId('stamp-0-2')).toHaveAttribute('data-status', 'approved');
    expect(within(screen.getByTestId('stamp-0-2')).getByText('승인')).toBeInTheDocument();
    expect(screen.getByTestId('stamp-1-3')).toHaveTextContent('결재 중');
    expect(screen.getByTestId('stamp-2-4')).not.toHaveTextContent('대기');
  });

  it('names the delegate and says on whose behalf for 대결', () => {
    const lines = [line(0, 3, '홍성민', 'approved', { acted_by_id: 5, on_behalf_of_id: 3, acted_at: '2026-11-20T02:00:00Z' })];
    const history = [{ id: 9, step_order: 0, action: 'approved', actor_id: 5, actor_name: '유재현', on_behalf_of_id: 3,
      on_behalf_of_name: '홍성민', comment: null, channel: 'web', details: {}, created_at: '2026-11-20T02:00:00Z' }];
    render(<ApprovalStamps doc={doc({ lines, history } as Partial<DocumentOut>)} />);
    expect(screen.getByTestId('stamp-0-3')).toHaveTextContent('유재현');
    expect(screen.getByTestId('stamp-0-3-on-behalf')).toHaveTextContent('홍성민님 대결');
  });
});
