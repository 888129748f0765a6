import { useState, type ReactNode } from 'react';

import { Alert } from './alert';
import { Button } from './button';
import { Dialog } from './dialog';
import { Field } from './field';
import { Input } from './input';

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel?: string;
  tone?: 'primary' | 'danger';
  /** The action is running: the confirm button spins and the dialog cannot be dismissed. */
  loading?: boolean;
  error?: string | null | undefined;
  /** When set, the user must type this text (e.g. the app's name) before confirming. */
  confirmText?: string;
}

export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel = 'Confirm',
  tone = 'primary',
  loading = false,
  error,
  confirmText,
}: ConfirmDialogProps) {
  const [typed, setTyped] = useState('');
  const blocked = confirmText !== undefined && typed !== confirmText;
  const close = () => {
    setTyped('');
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      size="sm"
      dismissible={!loading}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={loading}>
            Cancel
          </Button>
          <Button
            variant={tone === 'danger' ? 'danger' : 'primary'}
            onClick={onConfirm}
            loading={loading}
            disabled={blocked}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className="space-y-4 text-sm text-zinc-700 dark:text-zinc-300">
        {children}
        {confirmText !== undefined && (
          <Field
            label={
              <>
                Type <span className="font-mono font-semibold">{confirmText}</span> to confirm
              </>
            }
          >
            {(control) => (
              <Input
                {...control}
                value={typed}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) => setTyped(event.target.value)}
              />
            )}
          </Field>
        )}
        {error && <Alert>{error}</Alert>}
      </div>
    </Dialog>
  );
}
