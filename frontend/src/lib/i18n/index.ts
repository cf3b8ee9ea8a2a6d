// i18next set-up: Korean by default, English complete. The shell's strings are the `common` namespace
// (lib/i18n/locales); every feature keeps its own in features/<name>/locales/{ko,en}.json, used as the
// namespace named after the feature folder: `useTranslation('board')` reads features/board/locales.
// `common` and `auth` are bundled (the login page needs them at once); the other features' files are
// separate chunks, all fetched for the current language while the session is restored (see app/app.tsx),
// so the login route does not carry every screen's strings.
import i18n, { type BackendModule, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import ko from './locales/ko.json';

export const LANGUAGES = ['ko', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'ko';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

type Messages = Record<string, unknown>;

const bundled = import.meta.glob<Messages>('../../features/auth/locales/*.json', { eager: true, import: 'default' });
const lazy = import.meta.glob<Messages>(['../../features/*/locales/*.json', '!../../features/auth/locales/*.json'], {
  import: 'default',
});

const FILE = /features\/([^/]+)\/locales\/([a-z]+)\.json$/;

function parse(path: string): { feature: string; language: Language } | null {
  const match = FILE.exec(path);
  return match && match[1] && isLanguage(match[2]) ? { feature: match[1], language: match[2] } : null;
}

/** Every namespace there is: `common` and one per feature folder with a locales/ directory. */
export const NAMESPACES: string[] = [
  'common',
  ...new Set([...Object.keys(bundled), ...Object.keys(lazy)].map((p) => parse(p)?.feature).filter((f): f is string => !!f)),
];

function bundledResources(): Resource {
  const resources: Record<Language, Record<string, Messages>> = { ko: { common: ko }, en: { common: en } };
  for (const [path, messages] of Object.entries(bundled)) {
    const file = parse(path);
    if (file) resources[file.language][file.feature] = messages;
  }
  return resources as Resource;
}

const featureBackend: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(language, namespace, callback) {
    const load = lazy[`../../features/${namespace}/locales/${language}.json`];
    if (!load) {
      callback(null, {});
      return;
    }
    load().then(
      (messages) => callback(null, messages as never),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

let ready: Promise<unknown> | null = null;

/** Starts i18next once; the promise settles when every namespace of `language` is loaded. */
export function initI18n(language: Language): Promise<unknown> {
  ready ??= i18n
    .use(featureBackend)
    .use(initReactI18next)
    .init({
      resources: bundledResources(),
      partialBundledLanguages: true,
      lng: language,
      fallbackLng: DEFAULT_LANGUAGE,
      ns: NAMESPACES,
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      returnNull: false,
      react: { useSuspense: false },
      showSupportNotice: false,
    });
  return ready;
}

export { i18n };
