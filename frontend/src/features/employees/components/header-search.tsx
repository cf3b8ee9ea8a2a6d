// The header's employee search: type-ahead on the autocomplete endpoint (초성 "ㄱㅁㅅ" finds 김민수),
// picking a person opens their card, Enter opens the directory with the text.
import { SearchOutlined } from '@ant-design/icons';
import { AutoComplete, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { UserAvatar } from '@/components/user-avatar';
import { useEmployeeAutocomplete } from '@/hooks/use-employee-autocomplete';

export function HeaderSearch() {
  const { t } = useTranslation('employees');
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const { data = [] } = useEmployeeAutocomplete(text);

  const options = text.trim()
    ? data.map((e) => ({
        value: String(e.id),
        label: (
          <div className="flex items-center gap-2" data-testid={`search-option-${e.id}`}>
            <UserAvatar name={e.name} url={e.profile_image_url} size="small" />
            <span className="font-medium">{e.name}</span>
            <span className="truncate text-xs text-gray-500">
              {[e.department_name, e.position].filter(Boolean).join(' · ')}
            </span>
          </div>
        ),
      }))
    : [];

  return (
    <AutoComplete
      className="w-full max-w-xs"
      value={text}
      options={options}
      onChange={setText}
      onSelect={(id: string) => {
        setText('');
        navigate(`/employees/${id}`);
      }}
      popupMatchSelectWidth={320}
      data-testid="header-search"
    >
      <Input
        allowClear
        prefix={<SearchOutlined />}
        placeholder={t('searchPlaceholder')}
        aria-label={t('searchPlaceholder')}
        data-testid="header-search-input"
        onPressEnter={() => {
          const q = text.trim();
          if (q && !options.length) navigate(`/employees?q=${encodeURIComponent(q)}`);
        }}
      />
    </AutoComplete>
  );
}
