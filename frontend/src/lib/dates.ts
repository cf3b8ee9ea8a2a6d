// Dates in the user's language: dayjs follows the i18n language (see stores/ui-store.ts).
import dayjs from 'dayjs';
import 'dayjs/locale/ko';
import 'dayjs/locale/en';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import relativeTime from 'dayjs/plugin/relativeTime';

dayjs.extend(localizedFormat);
dayjs.extend(relativeTime);

export function setDateLocale(language: string): void {
  dayjs.locale(language === 'en' ? 'en' : 'ko');
}

type DateInput = string | number | Date | null | undefined;

/** 2025. 3. 4. / 03/04/2025 */
export function formatDate(value: DateInput): string {
  return value ? dayjs(value).format('L') : '';
}

/** 2025. 3. 4. 오후 2:05 / Mar 4, 2025 2:05 PM */
export function formatDateTime(value: DateInput): string {
  return value ? dayjs(value).format('lll') : '';
}

/** Today's items by time, older ones by date. */
export function formatShort(value: DateInput): string {
  if (!value) return '';
  const d = dayjs(value);
  return d.isSame(dayjs(), 'day') ? d.format('LT') : d.format('L');
}

/** 3분 전 / 3 minutes ago */
export function fromNow(value: DateInput): string {
  return value ? dayjs(value).fromNow() : '';
}

export { dayjs };
