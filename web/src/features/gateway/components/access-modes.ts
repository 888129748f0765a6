import type { AccessMode } from '@/api/types';

interface AccessModeInfo {
  mode: AccessMode;
  label: string;
  explanation: string;
}

const GATED: AccessModeInfo = {
  mode: 'gated',
  label: 'Gated',
  explanation: 'Kubarr’s sign-in and grants: only users whose role may open the app get in.',
};

/** Each access mode with its one-line explanation, in the order the settings page offers them. */
export const ACCESS_MODES: readonly AccessModeInfo[] = [
  GATED,
  {
    mode: 'native',
    label: 'Native',
    explanation: 'The app’s own login (for TV and phone apps that cannot sign in to Kubarr).',
  },
  { mode: 'off', label: 'Off', explanation: 'Not reachable through the gateway.' },
];

export function accessModeInfo(mode: AccessMode): AccessModeInfo {
  return ACCESS_MODES.find((m) => m.mode === mode) ?? GATED;
}
