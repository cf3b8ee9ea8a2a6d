// Every string exists in both languages: the same keys, the same {{placeholders}}, nothing empty.
import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import ko from './locales/ko.json';

type Tree = { [key: string]: string | Tree };

const features = import.meta.glob<Tree>('../../features/*/locales/*.json', { eager: true, import: 'default' });

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

const namespaces: Record<string, { ko?: Tree; en?: Tree }> = { common: { ko: ko as Tree, en: en as Tree } };
for (const [path, tree] of Object.entries(features)) {
  const [, feature, lang] = /features\/([^/]+)\/locales\/([a-z]+)\.json$/.exec(path) ?? [];
  if (feature && (lang === 'ko' || lang === 'en')) (namespaces[feature] ??= {})[lang] = tree;
}

describe('translations', () => {
  it('cover the shell and the features', () => {
    expect(Object.keys(namespaces)).toEqual(expect.arrayContaining(['common', 'auth', 'home', 'board', 'employees', 'notifications']));
  });

  for (const [ns, { ko: koTree, en: enTree }] of Object.entries(namespaces)) {
    it(`${ns}: Korean and English have the same keys and placeholders`, () => {
      expect(koTree, `${ns} has no ko.json`).toBeDefined();
      expect(enTree, `${ns} has no en.json`).toBeDefined();
      const k = flatten(koTree!);
      const e = flatten(enTree!);
      expect([...k.keys()].filter((key) => !e.has(key)), 'missing in en').toEqual([]);
      expect([...e.keys()].filter((key) => !k.has(key)), 'missing in ko').toEqual([]);
      for (const [key, value] of k) {
        expect(value.trim(), `${ns}:${key} (ko) is empty`).not.toBe('');
        expect(e.get(key)!.trim(), `${ns}:${key} (en) is empty`).not.toBe('');
        expect(placeholders(e.get(key)!), `${ns}:${key} placeholders`).toEqual(placeholders(value));
      }
    });
  }
});
