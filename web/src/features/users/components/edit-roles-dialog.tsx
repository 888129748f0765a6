import { useState } from 'react';

import type { Role, User } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';

import { useUpdateUser } from '../api/update-user';
import { RoleCheckboxes } from './role-checkboxes';

export function EditRolesDialog({
  user,
  roles,
  onClose,
}: {
  user: User;
  roles: Role[];
  onClose: () => void;
}) {
  const { toast } = useToast();
  const update = useUpdateUser();
  const [selected, setSelected] = useState<number[]>(user.role_ids);
  const unchanged =
    selected.length === user.role_ids.length && selected.every((id) => user.role_ids.includes(id));

  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!update.isPending}
      title={`Roles of ${user.username}`}
      description="The user may do what any of their roles allows."
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button
            loading={update.isPending}
            disabled={unchanged}
            onClick={() =>
              update.mutate(
                { id: user.id, role_ids: selected },
                {
                  onSuccess: () => {
                    toast({ tone: 'success', title: `Roles of ${user.username} saved` });
                    onClose();
                  },
                },
              )
            }
          >
            Save roles
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        {update.error && <Alert>{errorMessage(update.error)}</Alert>}
        <RoleCheckboxes
          roles={roles}
          selected={selected}
          onChange={setSelected}
          disabled={update.isPending}
        />
      </div>
    </Dialog>
  );
}
