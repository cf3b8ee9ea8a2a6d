// The form of a template, generated from its field schema: Ant Design inputs under `form_data.<key>`,
// checked on the client with the server's rules (required only on submit), and a read-only view.
import { Checkbox, DatePicker, Descriptions, Form, Input, InputNumber, Select } from 'antd';
import type { Rule } from 'antd/es/form';
import { useTranslation } from 'react-i18next';
import { dayjs } from '@/lib/dates';
import { checkValue, fieldLabel, textLimit, type FormField, type FormSchema } from '../lib/form-schema';

/** `complete.current` is true while submitting (required fields count), false while saving a draft. */
export type CompleteRef = { current: boolean };

function useFieldRules(field: FormField, complete: CompleteRef): Rule[] {
  const { t } = useTranslation('approval');
  return [
    {
      validator: async (_rule, value: unknown) => {
        const problem = checkValue(field, value, complete.current);
        if (problem) throw new Error(t(`validation.${problem.code}`, problem));
      },
    },
  ];
}

function FieldInput({ field, language, complete }: { field: FormField; language: string; complete: CompleteRef }) {
  const rules = useFieldRules(field, complete);
  const testId = `form-field-${field.key}`;
  const common = { name: ['form_data', field.key], label: fieldLabel(field, language), rules, required: !!field.required };
  switch (field.type) {
    case 'textarea':
      return (
        <Form.Item {...common}>
          <Input.TextArea rows={4} maxLength={textLimit(field)} showCount data-testid={testId} />
        </Form.Item>
      );
    case 'number':
      return (
        <Form.Item {...common}>
          <InputNumber
            className="w-full"
            min={field.min ?? undefined}
            max={field.max ?? undefined}
            formatter={(v) => (v == null ? '' : Number(v).toLocaleString())}
            parser={(v) => (v ? Number(v.replace(/[^\d.-]/g, '')) : (null as unknown as number))}
            data-testid={testId}
          />
        </Form.Item>
      );
    case 'date':
      return (
        <Form.Item
          {...common}
          getValueProps={(v: unknown) => ({ value: typeof v === 'string' && v ? dayjs(v) : null })}
          normalize={(v: unknown) => (v && dayjs.isDayjs(v) ? v.format('YYYY-MM-DD') : null)}
        >
          <DatePicker className="w-full" data-testid={testId} />
        </Form.Item>
      );
    case 'select':
      return (
        <Form.Item {...common}>
          <Select allowClear options={(field.options ?? []).map((o) => ({ value: o, label: o }))} data-testid={testId} />
        </Form.Item>
      );
    case 'checkbox':
      return (
        <Form.Item {...common} valuePropName="checked">
          <Checkbox data-testid={testId} />
        </Form.Item>
      );
    default:
      return (
        <Form.Item {...common}>
          <Input maxLength={textLimit(field)} data-testid={testId} />
        </Form.Item>
      );
  }
}

export function DynamicFormFields({ schema, complete }: { schema: FormSchema; complete: CompleteRef }) {
  const { i18n } = useTranslation();
  return (
    <>
      {schema.fields.map((field) => (
        <FieldInput key={field.key} field={field} language={i18n.language} complete={complete} />
      ))}
    </>
  );
}

export function formatValue(field: FormField | undefined, value: unknown, language: string, yes: string): string {
  if (value === undefined || value === null || value === '') return '—';
  if (field?.type === 'number' && typeof value === 'number') {
    return value.toLocaleString(language.startsWith('en') ? 'en-US' : 'ko-KR');
  }
  if (field?.type === 'checkbox') return value ? yes : '—';
  return String(value);
}

export function FormDataView({ schema, data }: { schema: FormSchema; data: Record<string, unknown> }) {
  const { i18n, t } = useTranslation();
  const byKey = new Map(schema.fields.map((f) => [f.key, f]));
  const keys = [...schema.fields.map((f) => f.key), ...Object.keys(data).filter((k) => !byKey.has(k))];
  if (!keys.length) return null;
  return (
    <Descriptions bordered size="small" column={1} data-testid="doc-form-data">
      {keys.map((key) => {
        const field = byKey.get(key);
        return (
          <Descriptions.Item key={key} label={field ? fieldLabel(field, i18n.language) : key}>
            <span data-testid={`doc-field-${key}`}>{formatValue(field, data[key], i18n.language, t('yes', { defaultValue: '✓' }))}</span>
          </Descriptions.Item>
        );
      })}
    </Descriptions>
  );
}
