// The JavaScript budget of each route, from the production build (run `npm run build` first).
// A route loads the entry chunk, the signed-in layout (every route but the login page), the chunks that
// lazily import it (e.g. features/approval/routes.tsx for approval pages) and its own chunk, each with its
// static imports. Each file is gzipped on its own, as a browser receives it. Fails when the login route is
// over LOGIN_LIMIT or any route over ROUTE_LIMIT (sizes in KiB, 1,024 bytes).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const manifestFile = join(dist, '.vite', 'manifest.json');
const KIB = 1024;
const LOGIN_LIMIT = 250 * KIB;
const ROUTE_LIMIT = 600 * KIB;
const LOGIN_SRC = 'src/features/auth/routes/login-page.tsx';
const LAYOUT_SRC = 'src/app/layout/app-layout.tsx';
// Feature strings are fetched for the current language while the session is restored, before any route
// shows (src/lib/i18n): every route counts them, in Korean (the default, and the larger files).
const STRINGS = /^src\/features\/[^/]+\/locales\/ko\.json$/;

if (!existsSync(manifestFile)) {
  console.error('dist/.vite/manifest.json not found: run `npm run build` first.');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));

const gzCache = new Map();
function gz(file) {
  if (!gzCache.has(file)) gzCache.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gzCache.get(file);
}

/** The JS files a manifest entry needs before it runs: itself and its static imports, transitively. */
function closure(key, out = new Set()) {
  const chunk = manifest[key];
  if (!chunk || out.has(chunk.file)) return out;
  if (chunk.file.endsWith('.js')) out.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, out);
  return out;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) {
  console.error('no entry chunk in the manifest');
  process.exit(2);
}

// Who lazily imports whom, to add the route tables a page is reached through.
const importers = new Map();
for (const [key, chunk] of Object.entries(manifest)) {
  for (const dyn of chunk.dynamicImports ?? []) {
    if (!importers.has(dyn)) importers.set(dyn, new Set());
    importers.get(dyn).add(key);
  }
}
function lazyAncestors(key, seen = new Set()) {
  for (const parent of importers.get(key) ?? []) {
    if (parent === entryKey || seen.has(parent)) continue;
    seen.add(parent);
    lazyAncestors(parent, seen);
  }
  return seen;
}

const rows = [];
for (const [key, chunk] of Object.entries(manifest)) {
  if (!chunk.isDynamicEntry || !chunk.file.endsWith('.js')) continue;
  if (key === LAYOUT_SRC || (chunk.src ?? '').endsWith('.json')) continue;
  const files = closure(entryKey);
  for (const k of Object.keys(manifest)) if (STRINGS.test(k)) closure(k, files);
  if (key !== LOGIN_SRC) closure(LAYOUT_SRC, files);
  for (const ancestor of lazyAncestors(key)) closure(ancestor, files);
  closure(key, files);
  const shared = closure(entryKey);
  const own = [...closure(key)].filter((f) => !shared.has(f)).reduce((n, f) => n + gz(f), 0);
  const total = [...files].reduce((n, f) => n + gz(f), 0);
  // A route module that Rollup merged into a shared chunk has no `src` here: show its name and file.
  const route = chunk.src ? chunk.src.replace(/^src\//, '') : `${chunk.name ?? key} [${chunk.file}]`;
  rows.push({ route, own, total, files: files.size });
}
rows.sort((a, b) => b.total - a.total);

const kib = (n) => `${(n / KIB).toFixed(1)} KiB`;
const width = Math.max(...rows.map((r) => r.route.length), 5);
const stringsSize = Object.keys(manifest).filter((k) => STRINGS.test(k)).reduce((n, k) => n + gz(manifest[k].file), 0);
console.log(`entry chunk alone: ${kib([...closure(entryKey)].reduce((n, f) => n + gz(f), 0))} gzipped; feature strings (ko): ${kib(stringsSize)}\n`);
console.log(`${'route'.padEnd(width)}  ${'own chunks'.padStart(12)}  ${'route total'.padStart(12)}  files`);
for (const r of rows) {
  console.log(`${r.route.padEnd(width)}  ${kib(r.own).padStart(12)}  ${kib(r.total).padStart(12)}  ${String(r.files).padStart(5)}`);
}

const failures = [];
const login = rows.find((r) => r.route === LOGIN_SRC.replace(/^src\//, ''));
if (!login) failures.push(`the login route (${LOGIN_SRC}) is not a lazy chunk`);
else if (login.total > LOGIN_LIMIT) failures.push(`login route ${kib(login.total)} > ${kib(LOGIN_LIMIT)}`);
const largest = rows[0];
if (largest && largest.total > ROUTE_LIMIT) failures.push(`largest route ${largest.route} ${kib(largest.total)} > ${kib(ROUTE_LIMIT)}`);

console.log(`budget: login ≤ ${kib(LOGIN_LIMIT)}, every route ≤ ${kib(ROUTE_LIMIT)} (gzipped)`);
if (failures.length) {
  console.error(`OVER BUDGET: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`OK: login ${kib(login.total)}, largest ${largest.route} ${kib(largest.total)}`);
