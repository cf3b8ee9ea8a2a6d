import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/app';
import { initI18n } from '@/lib/i18n';
import { applyLanguage, useUiStore } from '@/stores/ui-store';
import './index.css';

const language = useUiStore.getState().language;
void initI18n(language);
applyLanguage(language);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
