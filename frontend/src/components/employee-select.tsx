// An employee picker on the autocomplete endpoint (초성 works: "ㄱㅁㅅ" finds 김민수). Shared by the header
// search, approval line building and admin forms.
import { Select, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEmployeeAutocomplete } from '@/hooks/use-employee-autocomplete';
import type { EmployeeHit } from '@/types/api-helpers';

export interface EmployeeSelectProps {
  value?: number | null;
  onChange?: (id: number | null, employee: EmployeeHit | null) => void;
  placeholder?: string;
  /** Employees that may not be picked (e.g. the drafter, people already on the line). */
  excludeIds?: number[];
  disabled?: boolean;
  className?: string;
  'data-testid'?: string;
}

export function employeeLabel(e: Pick<EmployeeHit, 'name' | 'department_name' | 'position'>): string {
  return [e.name, [e.department_name, e.position].filter(Boolean).join(' · ')].filter(Boolean).join(' — ');
}

export function EmployeeSelect({ value, onChange, placeholder, excludeIds = [], disabled, className, ...rest }: EmployeeSelectProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const { data = [], isFetching } = useEmployeeAutocomplete(text);
  const hits = data.filter((e) => !excludeIds.includes(e.id));
  return (
    <Select<number>
      showSearch
      allowClear
      className={className}
      disabled={disabled}
      value={value ?? undefined}
      placeholder={placeholder ?? t('search.employeePlaceholder')}
      filterOption={false}
      onSearch={setText}
      notFoundContent={isFetching ? <Spin size="small" /> : text ? t('search.noResults') : null}
      options={hits.map((e) => ({ value: e.id, label: employeeLabel(e) }))}
      onChange={(id) => onChange?.(id ?? null, hits.find((e) => e.id === id) ?? null)}
      data-testid={rest['data-testid'] ?? 'employee-select'}
    />
  );
}
