// App-wide providers: Ant Design (Korean or English locale, following the language), TanStack Query.
// antd's <App> (for App.useApp()) wraps the signed-in layout instead, to keep it out of the login route.
import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import koKR from 'antd/locale/ko_KR';
import { useEffect, type ReactNode } from 'react';
import { queryClient as defaultClient } from '@/lib/query-client';
import { applyLanguage, useUiStore } from '@/stores/ui-store';
import type { QueryClient } from '@tanstack/react-query';

const theme = {
  token: {
    colorPrimary: '#1d4ed8',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Apple SD Gothic Neo', 'Malgun Gothic', 'NanumGothic', 'Noto Sans KR', 'Segoe UI', Roboto, sans-serif",
  },
};

export function AppProvider({ children, client = defaultClient }: { children: ReactNode; client?: QueryClient }) {
  const language = useUiStore((s) => s.language);
  useEffect(() => applyLanguage(language), [language]);
  return (
    <ConfigProvider locale={language === 'en' ? enUS : koKR} theme={theme}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </ConfigProvider>
  );
}
