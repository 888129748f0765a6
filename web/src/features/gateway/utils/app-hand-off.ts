// The sign-in hand-off: a signed-out browser that opens an app's origin is sent to
// `/login?app=<app>&next=<path on the app's origin>`; after signing in, Kubarr launches the app
// and returns the browser to that path there.

/** What the login page was asked to open after sign-in. */
export interface AppHandOff {
  app: string;
  /** A path on the app's origin; absent when none (or an unsafe one) was given. */
  next: string | undefined;
}

/** App names as the server accepts them: lowercase letters, digits and `-`, a letter first. */
const APP_NAME = /^[a-z][a-z0-9-]{0,52}$/;

/**
 * Whether `next` is a path on the same origin: one leading `/` (not `//`, no `\`), no control
 * characters or white space. Anything else would let a crafted link send the user elsewhere.
 */
export function isRelativePath(next: string): boolean {
  return (
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.includes('\\') &&
    next.length <= 2048 &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    !/[\u0000-\u0020\u007f-\u009f\s]/.test(next)
  );
}

/** The hand-off named by the login page's query, or null when there is none (or no valid app). */
export function parseAppHandOff(params: URLSearchParams): AppHandOff | null {
  const app = params.get('app');
  if (!app || !APP_NAME.test(app)) return null;
  const next = params.get('next');
  return { app, next: next !== null && isRelativePath(next) ? next : undefined };
}

/** The router state the Apps home reads: why an app could not be opened on the way there. */
export interface AppsHomeState {
  launchError?: string;
}
