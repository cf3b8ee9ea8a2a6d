import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ErrorState } from '@/components/error-state';
import { ApiError } from '@/lib/api-error';
import { renderWithApp } from '@/testing/render';

const error = (status: number, code: string) => new ApiError({ status, code, message: code });

describe('ErrorState', () => {
  it('shows 403 as the Forbidden page, without a retry', () => {
    renderWithApp(<ErrorState error={error(403, 'BOARD_FORBIDDEN')} onRetry={vi.fn()} />);
    expect(screen.getByTestId('forbidden')).toHaveTextContent('접근 권한이 없습니다');
    expect(screen.queryByTestId('retry-button')).toBeNull();
  });

  it('offers a retry when the backend cannot be reached', () => {
    const retry = vi.fn();
    renderWithApp(<ErrorState error={error(0, 'NETWORK_ERROR')} onRetry={retry} />);
    expect(screen.getByTestId('error-state')).toHaveTextContent('서버에 연결할 수 없습니다');
    fireEvent.click(screen.getByTestId('retry-button'));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('translates known codes and names unknown ones', () => {
    const { unmount } = renderWithApp(<ErrorState error={error(409, 'TOO_MANY_ATTACHMENTS')} />);
    expect(screen.getByTestId('error-state')).toHaveTextContent('첨부파일 개수 한도');
    unmount();
    renderWithApp(<ErrorState error={error(409, 'SOMETHING_NEW')} />);
    expect(screen.getByTestId('error-state')).toHaveTextContent('SOMETHING_NEW');
  });
});
