import { Alert } from '@/components/ui/alert';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Above either sign-in step: a notice (e.g. the sign-in expired), the rate-limit wait, an error. */
export function LoginMessages({
  notice,
  lockedSeconds,
  error,
}: {
  notice: string | null;
  /** Seconds until another attempt is allowed; 0 when not locked. */
  lockedSeconds: number;
  error: string | null;
}) {
  return (
    <>
      {notice && <Alert tone="warning">{notice}</Alert>}
      {lockedSeconds > 0 && (
        <Alert tone="warning" title="Too many sign-in attempts">
          Try again in {plural(lockedSeconds, 'second')}.
        </Alert>
      )}
      {error && <Alert>{error}</Alert>}
    </>
  );
}
