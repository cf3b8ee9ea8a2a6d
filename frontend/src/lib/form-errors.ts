// Puts the server's field errors (ApiError.fieldErrors) next to the matching Ant Design form fields.
import type { FormInstance } from 'antd';
import type { ApiError } from '@/lib/api-error';

/**
 * Marks each field the server named. `fieldMap` renames server fields (e.g. `new_password` → `newPassword`).
 * Returns true when at least one message landed on a field; the caller shows the rest as a banner.
 */
export function applyFieldErrors(
  form: FormInstance,
  error: ApiError,
  fieldMap: Record<string, string> = {},
  translate: (field: string, messages: string[]) => string[] = (_f, m) => m,
): boolean {
  const known = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
  const fields = Object.entries(error.fieldErrors)
    .map(([name, messages]) => ({ name: fieldMap[name] ?? name, messages }))
    .filter(({ name }) => known.has(name))
    .map(({ name, messages }) => ({ name, errors: translate(name, messages) }));
  if (fields.length) form.setFields(fields);
  return fields.length > 0;
}
