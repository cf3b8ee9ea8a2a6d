// A document box (결재 대기, 진행 중, 완료 ...): a paginated table, newest first; the page number lives in
// the URL so "back" returns to the same page.
import { Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams, useSearchParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { formatShort } from '@/lib/dates';
import { isBox, useBox, useTemplates, type DocumentSummary } from '../api/approval-api';
import { StatusTag } from '../components/status-tag';
import { templateName } from './compose-page';

export function BoxPage() {
  const { t, i18n } = useTranslation('approval');
  const { box } = useParams();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const valid = isBox(box);
  const query = useBox(valid ? box : 'pending', page);
  const templates = useTemplates(true);
  if (!valid) return <Navigate to="/approval/boxes/pending" replace />;
  const names = new Map((templates.data ?? []).map((tpl) => [tpl.id, templateName(tpl, i18n.language)]));
  const drafts = box === 'drafts';
  const columns: ColumnsType<DocumentSummary> = [
    { title: t('columns.number'), dataIndex: 'document_number', width: 170, render: (v: string | null) => v ?? '—' },
    {
      title: t('columns.title'),
      dataIndex: 'title',
      render: (title: string, doc) => (
        <Link to={drafts ? `/approval/documents/${doc.id}/edit` : `/approval/documents/${doc.id}`} data-testid="approval-doc-link">
          {title}
        </Link>
      ),
    },
    { title: t('columns.template'), dataIndex: 'template_id', width: 120, render: (id: number | null) => (id ? names.get(id) : '') },
    { title: t('columns.author'), dataIndex: 'author_name', width: 100, render: (v: string | null) => v ?? '—' },
    { title: t('columns.status'), dataIndex: 'status', width: 100, render: (s: string) => <StatusTag status={s} /> },
    {
      title: drafts ? t('columns.created') : t('columns.submitted'),
      width: 120,
      render: (_: unknown, doc) => formatShort(drafts ? doc.created_at : (doc.submitted_at ?? doc.created_at)),
    },
  ];
  return (
    <div data-testid={`approval-box-${box}`}>
      <PageHeader title={t(`boxes.${box}`)} />
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : (
        <Table<DocumentSummary>
          rowKey="id"
          size="middle"
          loading={query.isLoading}
          columns={columns}
          dataSource={query.data?.data ?? []}
          locale={{ emptyText: t('empty') }}
          onRow={(doc) => ({ 'data-testid': `approval-row-${doc.id}` }) as object}
          pagination={{
            current: page,
            pageSize: 20,
            total: query.data?.pagination.total ?? 0,
            showSizeChanger: false,
            onChange: (p) => setParams({ page: String(p) }),
          }}
          data-testid="approval-box-table"
        />
      )}
    </div>
  );
}
