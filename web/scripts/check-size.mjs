#!/usr/bin/env node
// Bundle budgets, read from the Vite manifest of the last `npm run build`:
//   - initial route JS ≤ 180 kB gzip: the entry chunk and its static imports, plus the lazy chunk
//     (and its static imports) of whichever route is opened first — checked for every route;
//   - no JS chunk over 500 kB minified.
// Prints the figures; exits 1 when a budget is exceeded. (1 kB = 1000 bytes, as Vite reports.)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const INITIAL_GZIP_BUDGET = 180_000;
const CHUNK_MINIFIED_BUDGET = 500_000;

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifestPath = path.join(dist, '.vite', 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error(
    `size: ${path.relative(process.cwd(), manifestPath)} not found; run \`npm run build\` first.`,
  );
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

const sizes = new Map();
function sizeOf(file) {
  if (!sizes.has(file)) {
    const bytes = readFileSync(path.join(dist, file));
    sizes.set(file, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return sizes.get(file);
}

/** JS files loaded up front for a manifest key: itself and its static imports, transitively. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}

const total = (files) =>
  [...files].filter((f) => f.endsWith('.js')).reduce((sum, f) => sum + sizeOf(f).gzip, 0);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entryKey) {
  console.error('size: the manifest has no entry chunk');
  process.exit(1);
}
const initial = closure(entryKey);
const initialGzip = total(initial);
let failed = false;

console.log(
  `Initial JS (entry ${manifest[entryKey].file} + static imports): ${kB(initialGzip)} gzip`,
);

const routes = Object.keys(manifest)
  .filter((key) => manifest[key].isDynamicEntry)
  .map((key) => {
    const extra = [...closure(key)].filter((file) => !initial.has(file));
    return { key, gzip: total(new Set([...initial, ...extra])), own: total(extra) };
  })
  .sort((a, b) => b.gzip - a.gzip);

console.log('\nFirst load per lazy route (entry + route chunk, gzip):');
for (const route of routes) {
  const over = route.gzip > INITIAL_GZIP_BUDGET;
  failed ||= over;
  console.log(
    `  ${over ? '✗' : '✓'} ${route.key.padEnd(40)} ${kB(route.gzip).padStart(10)}  (+${kB(route.own)} for the route)`,
  );
}
const worstInitial = Math.max(initialGzip, ...routes.map((r) => r.gzip));
if (initialGzip > INITIAL_GZIP_BUDGET) failed = true;

const jsFiles = [...new Set(Object.values(manifest).map((chunk) => chunk.file))].filter((f) =>
  f.endsWith('.js'),
);
const largest = jsFiles.map((file) => ({ file, ...sizeOf(file) })).sort((a, b) => b.raw - a.raw);
const oversized = largest.filter((chunk) => chunk.raw > CHUNK_MINIFIED_BUDGET);

console.log(`\nLargest chunks (minified / gzip), ${jsFiles.length} JS chunks in all:`);
for (const chunk of largest.slice(0, 5)) {
  console.log(`  ${chunk.file.padEnd(44)} ${kB(chunk.raw).padStart(10)} / ${kB(chunk.gzip)}`);
}

console.log(
  `\nBudgets: initial route JS ${kB(worstInitial)} of ${kB(INITIAL_GZIP_BUDGET)} gzip; ` +
    `largest chunk ${kB(largest[0]?.raw ?? 0)} of ${kB(CHUNK_MINIFIED_BUDGET)} minified.`,
);
if (oversized.length > 0) {
  failed = true;
  for (const chunk of oversized)
    console.error(
      `size: ${chunk.file} is ${kB(chunk.raw)} minified (budget ${kB(CHUNK_MINIFIED_BUDGET)})`,
    );
}
if (failed) {
  console.error('size: over budget');
  process.exit(1);
}
console.log('size: within budget');
