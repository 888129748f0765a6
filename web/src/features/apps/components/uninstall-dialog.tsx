import { useState } from 'react';

import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CheckboxField } from '@/components/ui/field';
import { errorMessage } from '@/lib/api-client';

import { useUninstallApp } from '../api/uninstall-app';

/**
 * Uninstall with a "keep data" choice (kept by default) and a confirmation that needs the app's
 * name typed in.
 */
export function UninstallDialog({
  app,
  open,
  onClose,
  onDone,
}: {
  app: string;
  open: boolean;
  onClose: () => void;
  onDone: (deletedData: boolean) => void;
}) {
  const [keepData, setKeepData] = useState(true);
  const uninstall = useUninstallApp(app);
  const close = () => {
    uninstall.reset();
    setKeepData(true);
    onClose();
  };
  return (
    <ConfirmDialog
      open={open}
      onClose={close}
      title={`Uninstall ${app}?`}
      tone="danger"
      confirmLabel="Uninstall"
      confirmText={app}
      loading={uninstall.isPending}
      error={uninstall.error ? errorMessage(uninstall.error) : null}
      onConfirm={() =>
        uninstall.mutate(
          { deleteData: !keepData },
          {
            onSuccess: () => {
              onDone(!keepData);
              setKeepData(true);
            },
          },
        )
      }
    >
      <p>
        Kubarr removes the app’s workloads from the cluster. You can install it again from the
        catalog.
      </p>
      <CheckboxField
        label="Keep the app’s data"
        hint={
          keepData
            ? 'Its volumes and namespace stay, so a reinstall picks up the existing configuration.'
            : 'Its namespace and data volumes are deleted for good.'
        }
        checked={keepData}
        disabled={uninstall.isPending}
        onChange={(event) => setKeepData(event.target.checked)}
      />
    </ConfirmDialog>
  );
}
