// A failure as a sentence in the user's language: known codes are translated (common:errorCodes.*), others
// fall back to a generic sentence so no English server text surprises a Korean user.
import type { TFunction } from 'i18next';
import { toApiError } from '@/lib/api-error';

export function errorMessage(t: TFunction, error: unknown): string {
  const e = toApiError(error);
  if (e.isNetwork) return t('common:errors.networkText');
  if (e.code === 'TOO_MANY_ATTEMPTS' || e.code === 'RATE_LIMITED') {
    return t('common:errorCodes.TOO_MANY_ATTEMPTS', { seconds: e.retryAfter ?? 60 });
  }
  const key = `common:errorCodes.${e.code}`;
  const translated = t(key, { defaultValue: '' });
  if (translated) return translated;
  if (e.status >= 500) return t('common:errors.serverText');
  return t('common:errors.genericWithCode', { code: e.code });
}
