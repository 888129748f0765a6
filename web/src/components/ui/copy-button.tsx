import { useEffect, useState } from 'react';

import { copyText } from '@/lib/clipboard';

import { Button, type ButtonProps } from './button';

/** Copies `text`; says "Copied" for a moment (announced), or asks the user to copy by hand. */
export function CopyButton({
  text,
  label = 'Copy',
  copiedLabel = 'Copied',
  ...props
}: Omit<ButtonProps, 'onClick' | 'children'> & {
  text: string;
  label?: string;
  copiedLabel?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <Button
      variant="secondary"
      size="sm"
      {...props}
      onClick={() => {
        void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'));
      }}
    >
      <span aria-live="polite">
        {state === 'copied'
          ? copiedLabel
          : state === 'failed'
            ? 'Copy failed: select and copy'
            : label}
      </span>
    </Button>
  );
}
