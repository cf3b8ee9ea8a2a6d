// Approval template editor (approval administrators): name, numbering rule, default line and 전결
// positions, SLA hours and the form's fields, with a live preview of the generated form.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Col, Drawer, Form, Input, InputNumber, Popconfirm, Row, Select, Space, Table, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { createTemplate, deactivateTemplate, keys, updateTemplate, useTemplates, type Template } from '../api/approval-api';
import { DynamicFormFields } from '../components/dynamic-form-fields';
import { FIELD_TYPES, schemaProblems, type FormField, type FormSchema } from '../lib/form-schema';

interface FieldRow {
  key: string;
  label_ko: string;
  label_en?: string;
  type: FormField['type'];
  required?: boolean;
  options?: string;
  min?: number | null;
  max?: number | null;
  max_length?: number | null;
}

interface Values {
  code: string;
  name: string;
  name_en?: string;
  category?: string;
  description?: string;
  numbering_rule: string;
  approval_levels: number;
  final_positions: string[];
  reminder_hours?: number | null;
  escalate_hours?: number | null;
  fields: FieldRow[];
}

const HOUR = 3600;

export function toValues(tpl: Template | null): Values {
  const schema = (tpl?.form_schema ?? { fields: [] }) as unknown as FormSchema;
  const rule = (tpl?.line_rule ?? {}) as { approval_levels?: number; final_approval_positions?: string[] };
  const sla = (tpl?.sla_policy ?? {}) as { reminder_after_seconds?: number; escalate_after_seconds?: number };
  return {
    code: tpl?.code ?? '',
    name: tpl?.name ?? '',
    name_en: tpl?.name_en ?? '',
    category: tpl?.category ?? '',
    description: tpl?.description ?? '',
    numbering_rule: tpl?.numbering_rule ?? '{code}-{yyyy}-{seq:06d}',
    approval_levels: rule.approval_levels ?? 2,
    final_positions: rule.final_approval_positions ?? [],
    reminder_hours: sla.reminder_after_seconds ? sla.reminder_after_seconds / HOUR : null,
    escalate_hours: sla.escalate_after_seconds ? sla.escalate_after_seconds / HOUR : null,
    fields: (schema.fields ?? []).map((f) => ({
      key: f.key,
      label_ko: f.label.ko,
      label_en: f.label.en ?? '',
      type: f.type,
      required: !!f.required,
      options: (f.options ?? []).join(', '),
      min: f.min ?? null,
      max: f.max ?? null,
      max_length: f.max_length ?? null,
    })),
  };
}

export function toSchema(rows: FieldRow[]): FormSchema {
  return {
    fields: (rows ?? []).filter(Boolean).map((r) => {
      const f: FormField = { key: (r.key ?? '').trim(), label: { ko: (r.label_ko ?? '').trim() }, type: r.type ?? 'text' };
      if (r.label_en?.trim()) f.label.en = r.label_en.trim();
      if (r.required) f.required = true;
      if (r.type === 'select') f.options = (r.options ?? '').split(',').map((o) => o.trim()).filter(Boolean);
      if (r.type === 'number') {
        if (r.min != null) f.min = r.min;
        if (r.max != null) f.max = r.max;
      }
      if ((r.type === 'text' || r.type === 'textarea') && r.max_length) f.max_length = r.max_length;
      return f;
    }),
  };
}

function Editor({ template, onClose }: { template: Template | null; onClose: () => void }) {
  const { t } = useTranslation('approval');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [preview] = Form.useForm();
  const complete = useRef(true);
  const rows = Form.useWatch('fields', form) as FieldRow[] | undefined;
  const schema = toSchema(rows ?? toValues(template).fields);

  const onFinish = async (v: Values) => {
    const formSchema = toSchema(v.fields);
    if (schemaProblems(formSchema).length) {
      message.error(t('templates.schemaProblems'));
      return;
    }
    const sla: Record<string, number> = {};
    if (v.reminder_hours) sla.reminder_after_seconds = v.reminder_hours * HOUR;
    if (v.escalate_hours) sla.escalate_after_seconds = v.escalate_hours * HOUR;
    const body = {
      name: v.name.trim(),
      name_en: v.name_en?.trim() || null,
      category: v.category?.trim() || null,
      description: v.description?.trim() || null,
      numbering_rule: v.numbering_rule.trim(),
      form_schema: formSchema as unknown as Record<string, unknown>,
      line_rule: { approval_levels: v.approval_levels, final_approval_positions: v.final_positions ?? [] },
      sla_policy: sla,
    };
    setBusy(true);
    try {
      if (template) await updateTemplate(template.id, body);
      else await createTemplate({ ...body, code: v.code.trim(), is_active: true });
      message.success(t('templates.saved'));
      await qc.invalidateQueries({ queryKey: keys.all });
      onClose();
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'TEMPLATE_CODE_TAKEN') form.setFields([{ name: 'code', errors: [errorMessage(t, err)] }]);
      else if (err.code === 'INVALID_NUMBERING_RULE') form.setFields([{ name: 'numbering_rule', errors: [errorMessage(t, err)] }]);
      message.error(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Row gutter={16}>
      <Col xs={24} xl={14}>
        <Form<Values> form={form} layout="vertical" initialValues={toValues(template)} onFinish={onFinish} disabled={busy} data-testid="template-form">
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="code" label={t('templates.code')} rules={[{ required: true, pattern: /^[A-Z][A-Z0-9_]{1,19}$/ }]}>
                <Input disabled={!!template} placeholder="TRIP" data-testid="template-code" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="name" label={t('templates.name')} rules={[{ required: true, max: 100 }]}>
                <Input data-testid="template-name" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="name_en" label={t('templates.nameEn')} rules={[{ max: 100 }]}>
                <Input data-testid="template-name-en" />
              </Form.Item>
            </Col>
            <Col span={8}><Form.Item name="category" label={t('templates.category')}><Input maxLength={50} /></Form.Item></Col>
            <Col span={16}>
              <Form.Item name="numbering_rule" label={t('templates.numbering')} extra={t('templates.numberingHelp')} rules={[{ required: true, pattern: /\{seq/ }]}>
                <Input data-testid="template-numbering" />
              </Form.Item>
            </Col>
            <Col span={24}><Form.Item name="description" label={t('templates.description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item></Col>
            <Col span={6}>
              <Form.Item name="approval_levels" label={t('templates.levels')}><InputNumber min={0} max={10} className="w-full" /></Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="final_positions" label={t('templates.finalPositions')}><Select mode="tags" tokenSeparators={[',']} /></Form.Item>
            </Col>
            <Col span={4}><Form.Item name="reminder_hours" label={t('templates.reminderHours')}><InputNumber min={0.1} className="w-full" /></Form.Item></Col>
            <Col span={4}><Form.Item name="escalate_hours" label={t('templates.escalateHours')}><InputNumber min={0.1} className="w-full" /></Form.Item></Col>
          </Row>
          <Card size="small" title={t('templates.fields')}>
            <Form.List name="fields">
              {(fields, { add, remove }) => (
                <div className="flex flex-col gap-2">
                  {fields.map(({ key, name }) => (
                    <div key={key} className="rounded border border-solid border-gray-200 p-2" data-testid="template-field-row">
                      <Space wrap align="start">
                        <Form.Item name={[name, 'key']} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/ }]} noStyle>
                          <Input placeholder={t('templates.fieldKey')} style={{ width: 120 }} data-testid="template-field-key" />
                        </Form.Item>
                        <Form.Item name={[name, 'label_ko']} rules={[{ required: true }]} noStyle>
                          <Input placeholder={t('templates.fieldLabelKo')} style={{ width: 140 }} data-testid="template-field-label" />
                        </Form.Item>
                        <Form.Item name={[name, 'label_en']} noStyle>
                          <Input placeholder={t('templates.fieldLabelEn')} style={{ width: 140 }} />
                        </Form.Item>
                        <Form.Item name={[name, 'type']} noStyle>
                          <Select style={{ width: 120 }} options={FIELD_TYPES.map((ty) => ({ value: ty, label: t(`templates.types.${ty}`) }))} data-testid="template-field-type" />
                        </Form.Item>
                        <Form.Item name={[name, 'required']} valuePropName="checked" noStyle>
                          <Checkbox>{t('templates.fieldRequired')}</Checkbox>
                        </Form.Item>
                        <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(name)} />
                      </Space>
                      <Form.Item noStyle shouldUpdate>
                        {({ getFieldValue }) => {
                          const type = getFieldValue(['fields', name, 'type']) as string;
                          if (type === 'select')
                            return (
                              <Form.Item name={[name, 'options']} className="!mb-0 mt-2" rules={[{ required: true }]}>
                                <Input placeholder={t('templates.fieldOptions')} data-testid="template-field-options" />
                              </Form.Item>
                            );
                          if (type === 'number')
                            return (
                              <Space className="mt-2">
                                <Form.Item name={[name, 'min']} noStyle><InputNumber placeholder={t('templates.fieldMin')} /></Form.Item>
                                <Form.Item name={[name, 'max']} noStyle><InputNumber placeholder={t('templates.fieldMax')} /></Form.Item>
                              </Space>
                            );
                          if (type === 'text' || type === 'textarea')
                            return (
                              <Form.Item name={[name, 'max_length']} className="!mb-0 mt-2">
                                <InputNumber min={1} max={20000} placeholder={t('templates.fieldMaxLength')} />
                              </Form.Item>
                            );
                          return null;
                        }}
                      </Form.Item>
                    </div>
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => add({ key: '', label_ko: '', type: 'text' })} data-testid="template-field-add">
                    {t('templates.addField')}
                  </Button>
                </div>
              )}
            </Form.List>
          </Card>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={onClose}>{t('actions.cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="template-save">{t('compose.save')}</Button>
          </div>
        </Form>
      </Col>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('templates.preview')} data-testid="template-preview">
          <Form form={preview} layout="vertical">
            <DynamicFormFields schema={{ fields: schema.fields.filter((f) => f.key && f.label.ko) }} complete={complete} />
          </Form>
        </Card>
      </Col>
    </Row>
  );
}

export function TemplatesPage() {
  const { t, i18n } = useTranslation('approval');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const templates = useTemplates(true);
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  if (templates.isError) return <ErrorState error={templates.error} onRetry={() => templates.refetch()} />;
  return (
    <div data-testid="templates-page">
      <PageHeader
        title={t('templates.title')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="template-add">{t('templates.add')}</Button>}
      />
      <Table<Template>
        rowKey="id"
        size="middle"
        loading={templates.isLoading}
        dataSource={templates.data ?? []}
        pagination={false}
        columns={[
          { title: t('templates.code'), dataIndex: 'code', width: 100 },
          { title: t('templates.name'), render: (_, tpl) => (i18n.language.startsWith('en') && tpl.name_en) || tpl.name },
          { title: t('templates.numbering'), dataIndex: 'numbering_rule' },
          { title: t('templates.fields'), render: (_, tpl) => ((tpl.form_schema as { fields?: unknown[] }).fields ?? []).length, width: 80 },
          {
            title: t('templates.active'),
            width: 110,
            render: (_, tpl) => (tpl.is_active ? <Tag color="green">{t('templates.active')}</Tag> : <Tag>{t('templates.inactive')}</Tag>),
          },
          {
            title: '',
            width: 180,
            render: (_, tpl) => (
              <Space>
                <Button size="small" onClick={() => setEditing(tpl)} data-testid={`template-edit-${tpl.code}`}>{t('templates.edit')}</Button>
                {tpl.is_active && (
                  <Popconfirm title={t('templates.deactivateConfirm')} onConfirm={async () => {
                    try {
                      await deactivateTemplate(tpl.id);
                      message.success(t('templates.deactivated'));
                      await qc.invalidateQueries({ queryKey: keys.all });
                    } catch (e) {
                      message.error(errorMessage(t, e));
                    }
                  }}>
                    <Button size="small" danger>{t('templates.deactivate')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Drawer
        open={editing !== null}
        width="min(1200px, 95vw)"
        title={editing === 'new' ? t('templates.add') : t('templates.edit')}
        onClose={() => setEditing(null)}
        destroyOnHidden
      >
        {editing !== null && <Editor template={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      </Drawer>
    </div>
  );
}
