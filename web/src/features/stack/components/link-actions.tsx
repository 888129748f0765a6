import { useId } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';
import { cn } from '@/lib/cn';

import { useRepairLink } from '../api/repair-link';
import { useSetLinkEnabled } from '../api/set-link-enabled';
import type { WiringLink } from '../api/types';
import { linkTitle, type NameOf } from '../utils/wiring-model';

/**
 * Repair and Disable / Enable for one link. Offered to callers who may manage both apps; shown
 * disabled, with the reason, to the others. A refusal from the server is shown under the buttons.
 */
export function LinkActions({
  link,
  nameOf,
  size = 'md',
  nameInLabels = false,
  className,
}: {
  link: WiringLink;
  nameOf: NameOf;
  size?: 'sm' | 'md';
  /** Name the link in the buttons' accessible names (where several links are listed). */
  nameInLabels?: boolean;
  className?: string;
}) {
  const repair = useRepairLink();
  const toggle = useSetLinkEnabled();
  const { toast } = useToast();
  const reasonId = useId();
  const title = linkTitle(link, nameOf);
  const error = repair.error ?? toggle.error;
  const busy = repair.isPending || toggle.isPending;

  const reason = !link.can_manage
    ? link.from === link.to
      ? `Changing this needs permission to upgrade ${nameOf(link.from)}.`
      : `Changing this needs permission to upgrade both ${nameOf(link.from)} and ${nameOf(link.to)}.`
    : null;
  const repairReason = reason ?? (link.enabled ? null : 'Turn the link on before repairing it.');
  const label = (action: string) => (nameInLabels ? `${action} ${title}` : undefined);

  return (
    <div className={cn('space-y-2', className)}>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size={size}
          aria-label={label('Repair')}
          aria-describedby={repairReason ? reasonId : undefined}
          title={repairReason ?? undefined}
          disabled={repairReason !== null || toggle.isPending}
          loading={repair.isPending}
          onClick={() => {
            toggle.reset();
            repair.mutate(link.id, {
              onSuccess: () =>
                toast({
                  tone: 'success',
                  title: 'Repair started',
                  description: `Kubarr is setting up ${title} again.`,
                }),
            });
          }}
        >
          Repair
        </Button>
        <Button
          variant="secondary"
          size={size}
          aria-label={label(link.enabled ? 'Disable' : 'Enable')}
          aria-describedby={reason ? reasonId : undefined}
          title={reason ?? undefined}
          disabled={reason !== null || repair.isPending}
          loading={toggle.isPending}
          onClick={() => {
            repair.reset();
            toggle.mutate(
              { id: link.id, enabled: !link.enabled },
              {
                onSuccess: (updated) =>
                  toast({
                    tone: 'success',
                    title: updated.enabled ? 'Link turned on' : 'Link turned off',
                    description: updated.enabled
                      ? `Kubarr sets up ${title} again.`
                      : `Kubarr leaves ${title} alone until you turn it back on.`,
                  }),
              },
            );
          }}
        >
          {link.enabled ? 'Disable' : 'Enable'}
        </Button>
      </div>
      {repairReason && (
        <p id={reasonId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {repairReason}
        </p>
      )}
      {error && !busy && <Alert>{errorMessage(error)}</Alert>}
    </div>
  );
}
