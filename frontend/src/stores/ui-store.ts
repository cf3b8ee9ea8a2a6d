// App-wide UI state kept across visits: the language and whether the sidebar is collapsed.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { setDateLocale } from '@/lib/dates';
import { DEFAULT_LANGUAGE, i18n, isLanguage, type Language } from '@/lib/i18n';

export interface UiState {
  language: Language;
  /** True once the user picked a language themselves (their pick then wins over the profile's locale). */
  languageChosen: boolean;
  sidebarCollapsed: boolean;
  setLanguage: (language: Language, chosen?: boolean) => void;
  toggleSidebar: () => void;
}

export function applyLanguage(language: Language): void {
  if (i18n.isInitialized && i18n.language !== language) void i18n.changeLanguage(language);
  setDateLocale(language);
  document.documentElement.lang = language;
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      language: DEFAULT_LANGUAGE,
      languageChosen: false,
      sidebarCollapsed: false,
      setLanguage: (language, chosen = true) => {
        applyLanguage(language);
        set((s) => ({ language, languageChosen: s.languageChosen || chosen }));
      },
      toggleSidebar: () => set((s) => ({ sidebarCollapsed: !s.sidebarCollapsed })),
    }),
    {
      name: 'gw.ui',
      version: 1,
      merge: (persisted, current) => {
        const p = (persisted ?? {}) as Partial<UiState>;
        return {
          ...current,
          language: isLanguage(p.language) ? p.language : current.language,
          languageChosen: p.languageChosen === true,
          sidebarCollapsed: p.sidebarCollapsed === true,
        };
      },
    },
  ),
);
