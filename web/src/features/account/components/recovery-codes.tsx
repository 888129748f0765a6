import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { downloadText } from '@/lib/download';

/** The recovery codes, shown once right after 2FA is enabled, with copy and download. */
export function RecoveryCodes({
  codes,
  username,
  onDone,
}: {
  codes: string[];
  username: string;
  onDone: () => void;
}) {
  const text = codes.join('\n');
  return (
    <div className="space-y-4">
      <div
        role="alert"
        className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset dark:bg-amber-950/50 dark:text-amber-100 dark:ring-amber-900"
      >
        <p className="font-medium">Save your recovery codes now</p>
        <p className="mt-1">
          Each code signs you in once if you lose your authenticator. They are shown only this time;
          keep them somewhere safe, such as a password manager.
        </p>
      </div>
      <ol
        aria-label="Recovery codes"
        className="grid grid-cols-1 gap-2 rounded-lg bg-zinc-50 p-4 font-mono text-sm ring-1 ring-zinc-200 sm:grid-cols-2 dark:bg-zinc-900 dark:ring-zinc-800"
      >
        {codes.map((code) => (
          <li key={code} className="select-all">
            {code}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={text} label="Copy all codes" />
        <Button
          variant="secondary"
          size="sm"
          onClick={() =>
            downloadText(
              `kubarr-recovery-codes-${username}.txt`,
              `Kubarr recovery codes for ${username}\nEach code works once.\n\n${text}\n`,
            )
          }
        >
          Download .txt
        </Button>
        <Button size="sm" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}
