// Local ESLint rules for the Kubarr web app.
//
// `boundaries` keeps imports one-way: shared code (components, lib, config, api, …) → features → app.
// A feature never imports another feature; shared code never imports a feature or the app.
// `kebab-case-filenames` keeps file and folder names under src/ in kebab-case.
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

/** Which layer a file under src/ belongs to: { layer: 'app' | 'feature' | 'shared', feature? }. */
export function zoneOf(file) {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const [top, second] = rel.split(path.sep);
  // main.tsx boots the app: it sits at the top, with src/app.
  if (top === 'app' || top === 'main.tsx') return { layer: 'app' };
  if (top === 'features' && second) return { layer: 'feature', feature: second };
  return { layer: 'shared' };
}

function resolveSpecifier(fromFile, spec) {
  if (spec.startsWith('@/')) return path.join(SRC, spec.slice(2));
  if (spec.startsWith('./') || spec.startsWith('../'))
    return path.resolve(path.dirname(fromFile), spec);
  return null; // a package
}

/** Returns a message when importing `spec` from `fromFile` crosses a boundary, else null. */
export function boundaryViolation(fromFile, spec) {
  const from = zoneOf(fromFile);
  const target = resolveSpecifier(fromFile, spec);
  if (!from || !target) return null;
  const to = zoneOf(target);
  if (!to) return null;
  if (from.layer === 'shared' && to.layer !== 'shared') {
    return `shared code must not import from ${to.layer === 'app' ? 'src/app' : `feature "${to.feature}"`}; move the code down or pass it in`;
  }
  if (from.layer === 'feature' && to.layer === 'app') {
    return `feature "${from.feature}" must not import from src/app; compose features in src/app instead`;
  }
  if (from.layer === 'feature' && to.layer === 'feature' && from.feature !== to.feature) {
    return `feature "${from.feature}" must not import feature "${to.feature}"; compose them in src/app or move shared code to src/lib, src/api or src/components`;
  }
  return null;
}

const boundaries = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Keep imports one-way: shared → features → app; no imports between features',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const message = boundaryViolation(file, source.value);
      if (message) context.report({ node: source, message });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const kebabCaseFilenames = {
  meta: {
    type: 'suggestion',
    docs: { description: 'File and folder names under src/ are kebab-case' },
    schema: [],
  },
  create(context) {
    return {
      Program(node) {
        const rel = path.relative(SRC, context.filename);
        if (rel.startsWith('..')) return;
        const parts = rel.split(path.sep);
        const base = parts.pop() ?? '';
        // strip every extension: button.test.tsx → button, schema.gen.ts → schema
        const stem = base.split('.')[0] ?? '';
        for (const name of [...parts, stem]) {
          if (name.startsWith('__') && name.endsWith('__')) continue; // __tests__
          if (!KEBAB.test(name)) {
            context.report({ node, message: `"${name}" is not kebab-case (in ${rel})` });
            return;
          }
        }
      },
    };
  },
};

export default {
  meta: { name: 'kubarr' },
  rules: { boundaries, 'kebab-case-filenames': kebabCaseFilenames },
};
