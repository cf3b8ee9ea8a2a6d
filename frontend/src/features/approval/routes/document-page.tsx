// One document: header facts, the 결재란, the actions this user may take now, the form, body,
// attachments, references/receivers, comments and the full history.
import { Card, Col, Descriptions, Row, Spin, Tabs, Tag } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { formatDateTime } from '@/lib/dates';
import { useDocument, useTemplates } from '../api/approval-api';
import { ApprovalStamps } from '../components/approval-stamps';
import { AttachmentList } from '../components/attachment-list';
import { DocumentActions } from '../components/document-actions';
import { DocumentComments, DocumentHistory } from '../components/document-history';
import { FormDataView } from '../components/dynamic-form-fields';
import { StatusTag } from '../components/status-tag';
import { parseSchema } from '../lib/form-schema';
import { templateName } from './compose-page';

export function DocumentPage() {
  const { t, i18n } = useTranslation('approval');
  const { documentId } = useParams();
  const id = Number(documentId);
  const query = useDocument(id);
  const templates = useTemplates(true);
  const doc = query.data;
  const template = templates.data?.find((tpl) => tpl.id === doc?.template_id);
  const schema = useMemo(() => parseSchema(template?.form_schema), [template]);

  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (!doc) return <Spin className="m-8" data-testid="doc-loading" />;
  const references = (doc.lines ?? []).filter((l) => l.line_type === 'reference');
  const receivers = (doc.lines ?? []).filter((l) => l.line_type === 'receiver');
  const comments = (doc.history ?? []).filter((h) => h.comment?.trim()).length;

  return (
    <div data-testid="document-page" data-document-id={doc.id} data-status={doc.status}>
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div>
          <div className="mb-1 flex items-center gap-2">
            <StatusTag status={doc.status} testId="doc-status" />
            {template && <Tag>{templateName(template, i18n.language)}</Tag>}
            {doc.document_number && <Tag color="geekblue" data-testid="doc-number">{doc.document_number}</Tag>}
            {doc.version > 1 && <Tag>v{doc.version}</Tag>}
          </div>
          <h1 className="m-0 text-xl font-semibold" data-testid="doc-title">{doc.title}</h1>
        </div>
        <DocumentActions doc={doc} />
      </div>
      <Card size="small" className="mb-4" title={t('doc.stamps')}>
        <div className="overflow-x-auto"><ApprovalStamps doc={doc} /></div>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Card size="small" className="mb-4">
            <Descriptions size="small" column={{ xs: 1, sm: 2 }} className="mb-4">
              <Descriptions.Item label={t('doc.drafter')}>{doc.author_name}</Descriptions.Item>
              <Descriptions.Item label={t('doc.number')}>{doc.document_number ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('doc.submittedAt')}>{formatDateTime(doc.submitted_at) || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('doc.completedAt')}>{formatDateTime(doc.completed_at) || '—'}</Descriptions.Item>
              {doc.previous_version_id && (
                <Descriptions.Item label={t('doc.version')}>
                  v{doc.version} · <Link to={`/approval/documents/${doc.previous_version_id}`} data-testid="doc-previous-version">{t('doc.previousVersion')}</Link>
                </Descriptions.Item>
              )}
            </Descriptions>
            <FormDataView schema={schema} data={(doc.form_data ?? {}) as Record<string, unknown>} />
            {doc.content && (
              <div className="mt-4 whitespace-pre-wrap rounded border border-solid border-gray-200 p-3" data-testid="doc-content">{doc.content}</div>
            )}
          </Card>
          <Card size="small" className="mb-4" title={t('doc.attachments')}>
            <AttachmentList items={doc.attachments ?? []} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" className="mb-4">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('doc.references')}>
                <span data-testid="doc-references">{references.map((l) => l.approver_name).join(', ') || '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('doc.receivers')}>
                <span data-testid="doc-receivers">{receivers.map((l) => l.approver_name).join(', ') || '—'}</span>
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small">
            <Tabs
              size="small"
              items={[
                { key: 'comments', label: `${t('doc.comments')} (${comments})`, children: <DocumentComments documentId={doc.id} history={doc.history ?? []} open={doc.status !== 'draft'} /> },
                { key: 'history', label: t('doc.history'), children: <DocumentHistory history={doc.history ?? []} /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
