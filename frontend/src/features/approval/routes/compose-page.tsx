// Writing a document: pick a template, fill in the form generated from its field schema, attach files,
// build the line, then save as a draft or submit (상신). Also edits an existing draft (재기안 lands here).
import { InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Card, Col, Empty, Form, Input, Modal, Row, Space, Spin, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { useAuthStore } from '@/stores/auth-store';
import {
  createDraft,
  fetchDefaultLine,
  removeAttachment,
  submitDraft,
  updateDraft,
  uploadAttachment,
  useApprovalInvalidate,
  useDocument,
  useTemplates,
  type DocumentOut,
  type Template,
} from '../api/approval-api';
import { usePeople } from '../api/people';
import { AttachmentList } from '../components/attachment-list';
import { DynamicFormFields } from '../components/dynamic-form-fields';
import { LineBuilder } from '../components/line-builder';
import { cleanData, parseSchema } from '../lib/form-schema';
import { emptyLine, fromLineIn, lineIds, lineProblems, toLineIn, type EditLine } from '../lib/line';
import { clearLocalDraft, loadLocalDraft, saveLocalDraft } from '../lib/local-draft';

interface Values {
  title: string;
  content: string;
  form_data: Record<string, unknown>;
}

export function templateName(template: Pick<Template, 'name' | 'name_en'>, language: string): string {
  return language.startsWith('en') && template.name_en ? template.name_en : template.name;
}

/** /approval/write: choose the template. */
export function TemplatePickerPage() {
  const { t, i18n } = useTranslation('approval');
  const templates = useTemplates();
  if (templates.isError) return <ErrorState error={templates.error} onRetry={() => templates.refetch()} />;
  return (
    <div>
      <PageHeader title={t('compose.chooseTemplate')} subtitle={t('compose.chooseTemplateHelp')} />
      {templates.isLoading ? (
        <Spin />
      ) : (
        <Row gutter={[16, 16]}>
          {(templates.data ?? []).map((tpl) => (
            <Col key={tpl.code} xs={24} sm={12} lg={8}>
              <Link to={`/approval/write/${tpl.code}`} data-testid={`compose-template-${tpl.code}`}>
                <Card hoverable title={templateName(tpl, i18n.language)} size="small">
                  <div className="text-gray-500">{tpl.description || tpl.category || tpl.code}</div>
                </Card>
              </Link>
            </Col>
          ))}
        </Row>
      )}
    </div>
  );
}

/** /approval/write/:templateCode — a new document. */
export function NewDocumentPage() {
  const { templateCode = '' } = useParams();
  const templates = useTemplates();
  const template = templates.data?.find((tpl) => tpl.code === templateCode);
  const [initialLine, setInitialLine] = useState<{ ids: number[]; raw: Parameters<typeof fromLineIn>[0] } | null>(null);
  const [lineError, setLineError] = useState<unknown>(null);
  useEffect(() => {
    if (!templateCode) return;
    fetchDefaultLine(templateCode)
      .then((raw) => setInitialLine({ ids: lineIds(raw), raw }))
      .catch((e: unknown) => setLineError(e));
  }, [templateCode]);
  if (templates.isError) return <ErrorState error={templates.error} onRetry={() => templates.refetch()} />;
  if (lineError) return <ErrorState error={lineError} />;
  if (templates.isLoading || !initialLine) return <Spin className="m-8" />;
  if (!template) return <Empty description={templateCode} />;
  return <ComposeForm template={template} doc={null} rawLine={initialLine.raw} storageKey={`new.${template.code}`} />;
}

/** /approval/documents/:documentId/edit — a saved draft. */
export function EditDocumentPage() {
  const { documentId } = useParams();
  const id = Number(documentId);
  const doc = useDocument(id);
  const templates = useTemplates(true);
  if (doc.isError) return <ErrorState error={doc.error} onRetry={() => doc.refetch()} />;
  if (templates.isError) return <ErrorState error={templates.error} onRetry={() => templates.refetch()} />;
  if (!doc.data || !templates.data) return <Spin className="m-8" />;
  const template = templates.data.find((tpl) => tpl.id === doc.data.template_id);
  if (!template) return <Empty />;
  return <ComposeForm template={template} doc={doc.data} rawLine={doc.data.line_spec as never} storageKey={`doc.${id}`} />;
}

function ComposeForm({ template, doc, rawLine, storageKey }: {
  template: Template;
  doc: DocumentOut | null;
  rawLine: Parameters<typeof fromLineIn>[0];
  storageKey: string;
}) {
  const { t, i18n } = useTranslation('approval');
  const { message } = App.useApp();
  const navigate = useNavigate();
  const invalidate = useApprovalInvalidate();
  const me = useAuthStore((s) => s.user);
  const schema = useMemo(() => parseSchema(template.form_schema), [template.form_schema]);
  const [form] = Form.useForm<Values>();
  const complete = useRef(false);
  const local = useMemo(() => loadLocalDraft(storageKey), [storageKey]);
  const { people, loading } = usePeople(lineIds(rawLine));
  const [line, setLine] = useState<EditLine | null>(local?.line ?? null);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [attachments, setAttachments] = useState(doc?.attachments ?? []);
  const [busy, setBusy] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const [showLineProblems, setShowLineProblems] = useState(false);

  useEffect(() => {
    if (line === null && !loading) setLine(fromLineIn(rawLine, people));
  }, [line, loading, people, rawLine]);

  const initialValues: Values = local
    ? { title: local.title, content: local.content, form_data: local.form_data }
    : { title: doc?.title ?? '', content: doc?.content ?? '', form_data: (doc?.form_data as Record<string, unknown>) ?? {} };

  const remember = () => {
    const v = form.getFieldsValue(true) as Values;
    saveLocalDraft(storageKey, { title: v.title ?? '', content: v.content ?? '', form_data: v.form_data ?? {}, line });
  };
  useEffect(remember, [line]);

  const showServerError = (error: unknown) => {
    const e = toApiError(error);
    const fields = Object.entries(e.fieldErrors)
      .filter(([name]) => name === 'title' || schema.fields.some((f) => f.key === name))
      .map(([name, msgs]) => ({
        name: name === 'title' ? ['title'] : ['form_data', name],
        errors: msgs.map((m) => (m === 'required' ? t('validation.required') : m)),
      }));
    if (fields.length) form.setFields(fields as never);
    setBanner(`${errorMessage(t, e)} ${t('compose.keptLocally')}`);
  };

  /** Creates or updates the draft, uploads pending files; returns the document id. */
  const save = async (): Promise<number> => {
    const v = form.getFieldsValue(true) as Values;
    const body = { title: v.title.trim(), content: v.content ?? '', form_data: cleanData(schema, v.form_data ?? {}), line: toLineIn(line ?? emptyLine()) };
    const saved = doc ? await updateDraft(doc.id, body) : await createDraft({ ...body, template_code: template.code });
    for (const f of files) {
      if (f.originFileObj) {
        const added = await uploadAttachment(saved.id, f.originFileObj);
        setAttachments((prev) => [...prev, added]);
      }
    }
    setFiles([]);
    return saved.id;
  };

  const onSave = async () => {
    complete.current = false;
    setBanner(null);
    try {
      await form.validateFields();
    } catch {
      setBanner(t('compose.fixErrors'));
      return;
    }
    setBusy(true);
    try {
      const id = await save();
      clearLocalDraft(storageKey);
      await invalidate();
      message.success(t('compose.saved'));
      if (!doc) navigate(`/approval/documents/${id}/edit`, { replace: true });
    } catch (e) {
      showServerError(e);
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = async () => {
    complete.current = true;
    setBanner(null);
    setShowLineProblems(true);
    let valid = true;
    try {
      await form.validateFields();
    } catch {
      valid = false;
    }
    if (!valid || lineProblems(line ?? emptyLine(), me?.id ?? null).length) {
      setBanner(t('compose.fixErrors'));
      return;
    }
    Modal.confirm({
      title: t('compose.submit'),
      content: t('compose.submitConfirm'),
      okText: t('compose.submit'),
      cancelText: t('actions.cancel'),
      okButtonProps: { 'data-testid': 'compose-submit-confirm' } as ButtonProps,
      onOk: async () => {
        setBusy(true);
        try {
          const id = await save();
          await submitDraft(id);
          clearLocalDraft(storageKey);
          await invalidate();
          message.success(t('compose.submitted'));
          navigate(`/approval/documents/${id}`, { replace: true });
        } catch (e) {
          showServerError(e);
        } finally {
          setBusy(false);
        }
      },
    });
  };

  const onRemoveAttachment = async (id: number) => {
    try {
      await removeAttachment(id);
      setAttachments((prev) => prev.filter((a) => a.id !== id));
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  return (
    <div data-testid="compose-page">
      <PageHeader
        title={doc ? t('compose.editTitle') : t('compose.newTitle', { template: templateName(template, i18n.language) })}
        extra={
          <Space>
            <Button onClick={onSave} loading={busy} data-testid="compose-save">{t('compose.save')}</Button>
            <Button type="primary" onClick={onSubmit} loading={busy} data-testid="compose-submit">{t('compose.submit')}</Button>
          </Space>
        }
      />
      {banner && <Alert className="mb-4" type="error" showIcon message={banner} data-testid="compose-error" closable onClose={() => setBanner(null)} />}
      <Form<Values> form={form} layout="vertical" initialValues={initialValues} onValuesChange={remember} disabled={busy}>
        <Card size="small" className="mb-4">
          <Form.Item name="title" label={t('compose.docTitle')} rules={[{ required: true, whitespace: true, message: t('compose.titleRequired') }, { max: 300 }]}>
            <Input maxLength={300} data-testid="compose-title" />
          </Form.Item>
          {schema.fields.length > 0 && <DynamicFormFields schema={schema} complete={complete} />}
          <Form.Item name="content" label={t('compose.content')}>
            <Input.TextArea rows={6} maxLength={100_000} data-testid="compose-content" />
          </Form.Item>
        </Card>
      </Form>
      <Card size="small" className="mb-4" title={t('compose.attachments')}>
        {attachments.length > 0 && <AttachmentList items={attachments} onRemove={(a) => void onRemoveAttachment(a.id)} />}
        <div data-testid="compose-attachments">
        <Upload.Dragger multiple fileList={files} beforeUpload={() => false} onChange={({ fileList }) => setFiles(fileList)}>
          <p className="ant-upload-drag-icon"><InboxOutlined /></p>
          <p>{t('compose.attach')}</p>
          <p className="text-xs text-gray-500">{t('compose.attachHelp', { mb: 8 })} — {t('compose.pendingFiles')}</p>
        </Upload.Dragger>
        </div>
      </Card>
      <Card size="small" title={t('compose.line')} className="mb-4">
        {line ? (
          <LineBuilder line={line} onChange={setLine} drafterId={me?.id ?? null} showProblems={showLineProblems} />
        ) : (
          <Spin />
        )}
      </Card>
    </div>
  );
}
