// Mapping a server error to the form field it is about.
//
// The contract says a 400 must "say which field": some handlers add `error.field`, others only name
// the field in the message (e.g. "values.persistence.size: must be a string", or a JSON pointer
// such as "/persistence/size"). Both are understood here.

export interface FieldErrorSource {
  field?: string | undefined;
  message: string;
}

/** "/a/b", "#/a/b", "values.a.b", "a[0].b" → "a.b" style dotted paths. */
export function normaliseFieldPath(raw: string): string {
  let path = raw.trim();
  if (path.startsWith('#')) path = path.slice(1);
  if (path.startsWith('/')) {
    path = path
      .slice(1)
      .split('/')
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
      .join('.');
  }
  path = path.replace(/\[(\d+)\]/g, '.$1');
  if (path === 'values' || path === 'body') return '';
  return path.replace(/^(values|body)\./, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `token` appears in `text` as a whole path, not as part of a longer word or path. */
function containsPath(text: string, token: string): boolean {
  const pattern = new RegExp(
    `(?<![A-Za-z0-9_-])${escapeRegExp(token)}(?![A-Za-z0-9_/-]|\\.[A-Za-z0-9_])`,
    'i',
  );
  return pattern.test(text);
}

/**
 * Picks which of `candidates` (dotted field paths) an error is about: `error.field` first (or its
 * nearest known ancestor), else the longest candidate the message names. Null when none fits.
 */
export function matchErrorField(
  error: FieldErrorSource,
  candidates: readonly string[],
): string | null {
  const known = new Set(candidates);
  if (error.field) {
    let path = normaliseFieldPath(error.field);
    while (path) {
      if (known.has(path)) return path;
      const dot = path.lastIndexOf('.');
      path = dot < 0 ? '' : path.slice(0, dot);
    }
  }
  const longestFirst = [...candidates].sort((a, b) => b.length - a.length);
  for (const candidate of longestFirst) {
    if (!candidate) continue;
    const pointer = `/${candidate.split('.').join('/')}`;
    if (containsPath(error.message, candidate) || containsPath(error.message, pointer)) {
      return candidate;
    }
  }
  return null;
}
