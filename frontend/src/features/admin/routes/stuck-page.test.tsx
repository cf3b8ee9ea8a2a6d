import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithApp } from '@/testing/render';
import type { MailStatus } from '../api/admin-api';
import { MailDeliveryCard } from './stuck-page';

const healthy: MailStatus = {
  outbox: { waiting: 0, retrying: 0, oldest_waiting_at: null, given_up: 0, last_error: null },
  delivery: {
    workflow_id: 'mail-delivery', status: 'running', shift_running: true, shift_attempt: 1, last_failure: null,
    temporal_ui_url: 'http://localhost:8233/namespaces/default/workflows/mail-delivery',
  },
};

describe('MailDeliveryCard', () => {
  it('shows a running delivery with a worker sending as healthy', () => {
    renderWithApp(<MailDeliveryCard mail={healthy} />);
    expect(screen.getByTestId('mail-delivery-status')).toHaveTextContent('실행 중');
    expect(screen.getByTestId('mail-status')).toHaveTextContent('워커가 발송 중');
  });

  it('shows retrying and given-up mail, the last error and a failing shift', () => {
    const mail: MailStatus = {
      outbox: { waiting: 3, retrying: 2, oldest_waiting_at: '2026-11-28T09:00:00Z', given_up: 1,
                last_error: 'SMTPRecipientsRefused: 550 no such mailbox' },
      delivery: { ...healthy.delivery, shift_attempt: 4, last_failure: 'the outbox cannot be read (OperationalError)' },
    };
    renderWithApp(<MailDeliveryCard mail={mail} />);
    const card = screen.getByTestId('mail-status');
    expect(card).toHaveTextContent('550 no such mailbox');
    expect(card).toHaveTextContent('4번째 시도');
    expect(card).toHaveTextContent('the outbox cannot be read');
    expect(screen.getByTestId('mail-delivery-status')).toHaveTextContent('실행 중');
  });

  it('names a missing delivery run', () => {
    renderWithApp(<MailDeliveryCard mail={{ ...healthy, delivery: { ...healthy.delivery, status: 'missing', shift_running: false, shift_attempt: null } }} />);
    expect(screen.getByTestId('mail-delivery-status')).toHaveTextContent('실행 안 됨');
  });
});
