// Template form schemas (portal/approval/forms.py on the server): the field list, labels in the user's
// language, and client-side checks that mirror the server's so most mistakes never leave the browser.

export type FieldType = 'text' | 'textarea' | 'number' | 'date' | 'select' | 'checkbox';
export const FIELD_TYPES: FieldType[] = ['text', 'textarea', 'number', 'date', 'select', 'checkbox'];

export interface FormField {
  key: string;
  label: { ko: string; en?: string | null };
  type: FieldType;
  required?: boolean;
  max_length?: number | null;
  min?: number | null;
  max?: number | null;
  options?: string[] | null;
}

export interface FormSchema {
  fields: FormField[];
}

export const FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;

export function parseSchema(raw: unknown): FormSchema {
  const fields = (raw as { fields?: unknown })?.fields;
  return { fields: Array.isArray(fields) ? (fields as FormField[]) : [] };
}

export function fieldLabel(field: FormField, language: string): string {
  return (language.startsWith('en') ? field.label.en : null) || field.label.ko || field.key;
}

/** Default text limits of the server when the schema sets none. */
export function textLimit(field: FormField): number {
  return field.max_length ?? (field.type === 'text' ? 200 : 10_000);
}

export type Problem =
  | { code: 'required' }
  | { code: 'tooLong'; limit: number }
  | { code: 'notNumber' }
  | { code: 'tooSmall'; limit: number }
  | { code: 'tooLarge'; limit: number }
  | { code: 'notDate' }
  | { code: 'notOption' };

/** Why `value` does not fit `field` (null when it fits); `complete` is false for drafts. */
export function checkValue(field: FormField, value: unknown, complete: boolean): Problem | null {
  if (value === undefined || value === null || value === '') {
    return complete && field.required ? { code: 'required' } : null;
  }
  switch (field.type) {
    case 'text':
    case 'textarea':
      return String(value).length > textLimit(field) ? { code: 'tooLong', limit: textLimit(field) } : null;
    case 'number': {
      if (typeof value !== 'number' || Number.isNaN(value)) return { code: 'notNumber' };
      if (field.min != null && value < field.min) return { code: 'tooSmall', limit: field.min };
      if (field.max != null && value > field.max) return { code: 'tooLarge', limit: field.max };
      return null;
    }
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : { code: 'notDate' };
    case 'select':
      return (field.options ?? []).includes(String(value)) ? null : { code: 'notOption' };
    case 'checkbox':
      return typeof value === 'boolean' ? null : { code: 'notOption' };
    default:
      return null;
  }
}

/** Only the schema's keys, without empty values (the server refuses unknown keys). */
export function cleanData(schema: FormSchema, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of schema.fields) {
    const value = data[field.key];
    if (value !== undefined && value !== null && value !== '') out[field.key] = value;
  }
  return out;
}

/** Problems with a schema an administrator is editing (mirrors the server's INVALID_FORM_SCHEMA rules). */
export function schemaProblems(schema: FormSchema): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of schema.fields) {
    if (!FIELD_KEY.test(f.key)) problems.push(`key:${f.key}`);
    if (seen.has(f.key)) problems.push(`duplicate:${f.key}`);
    seen.add(f.key);
    if (!f.label.ko?.trim()) problems.push(`label:${f.key}`);
    if (f.type === 'select' && !(f.options ?? []).length) problems.push(`options:${f.key}`);
  }
  return problems;
}
