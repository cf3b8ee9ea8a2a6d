// Boards on the left, the chosen board's posts on the right (search and page in the URL).
import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams, useSearchParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { useBoards, usePosts } from '../api/board-api';
import { BoardNav } from '../components/board-nav';
import { PostTable } from '../components/post-table';

export function BoardPage() {
  const { t } = useTranslation('board');
  const boardId = Number(useParams().boardId) || null;
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const boards = useBoards();
  const board = boards.data?.find((b) => b.id === boardId) ?? null;
  const posts = usePosts(board ? board.id : null, page, q);

  if (!boardId && boards.data?.[0]) return <Navigate to={`/board/${boards.data[0].id}`} replace />;

  const setQuery = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };

  return (
    <div data-testid="board-page">
      <PageHeader
        title={board?.name ?? t('title')}
        subtitle={board?.description}
        extra={
          board?.can_write && (
            <Link to={`/board/${board.id}/write`}>
              <Button type="primary" icon={<EditOutlined />} data-testid="post-write">
                {t('write')}
              </Button>
            </Link>
          )
        }
      />
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <Card size="small" title={t('boards')} className="mb-4" styles={{ body: { padding: 4 } }}>
            <BoardNav selected={boardId} />
          </Card>
        </Col>
        <Col xs={24} md={18}>
          {boards.error ? null : boardId && boards.data && !board ? (
            <Empty description={t('boardNotFound')} data-testid="board-not-found" />
          ) : !boardId && boards.data ? (
            <Empty description={t('noBoards')} />
          ) : (
            <Card size="small">
              <Input.Search
                key={`${boardId}-${q}`}
                className="mb-3 max-w-sm"
                defaultValue={q}
                allowClear
                placeholder={t('searchPlaceholder')}
                onSearch={(value) => setQuery({ q: value.trim().slice(0, 100) || null, page: null })}
                data-testid="post-search"
              />
              {posts.error ? (
                <ErrorState error={posts.error} onRetry={() => void posts.refetch()} />
              ) : (
                <PostTable
                  posts={posts.data?.data ?? []}
                  total={posts.data?.pagination.total ?? 0}
                  page={page}
                  loading={posts.isFetching}
                  onPage={(p) => setQuery({ page: p > 1 ? String(p) : null })}
                />
              )}
            </Card>
          )}
        </Col>
      </Row>
    </div>
  );
}
