// 한국어 / English. Remembered in this browser; when signed in also saved as the profile's locale, which
// the server uses for emails.
import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '@/lib/api-client';
import type { Language } from '@/lib/i18n';
import { useAuthStore } from '@/stores/auth-store';
import { useUiStore } from '@/stores/ui-store';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const language = useUiStore((s) => s.language);
  const setLanguage = useUiStore((s) => s.setLanguage);

  const change = (value: Language) => {
    setLanguage(value);
    const { user, setUser } = useAuthStore.getState();
    if (user && user.locale !== value) {
      setUser({ ...user, locale: value });
      api.put('/users/me', { locale: value }).catch(() => undefined);
    }
  };

  return (
    <Segmented<Language>
      size="small"
      value={language}
      onChange={change}
      data-testid="language-switch"
      options={[
        { value: 'ko', label: <span data-testid="language-ko">{t('languages.ko')}</span> },
        { value: 'en', label: <span data-testid="language-en">{t('languages.en')}</span> },
      ]}
    />
  );
}
