import { ToneBadge } from '@/components/ui/status-badge';

import { linkStateInfo } from '../utils/wiring-model';

/** A link's state in words, with its colour. */
export function LinkStateBadge({ state, className }: { state: string; className?: string }) {
  const info = linkStateInfo(state);
  return <ToneBadge label={info.label} tone={info.tone} busy={info.busy} className={className} />;
}
