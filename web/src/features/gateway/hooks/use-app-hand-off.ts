import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';

import { paths } from '@/config/paths';
import { errorMessage } from '@/lib/api-client';
import { leaveTo } from '@/lib/navigation';

import { launchApp } from '../api/launch-app';
import type { AppHandOff, AppsHomeState } from '../utils/app-hand-off';

/**
 * After sign-in: launch the app the gateway sent the user from and go there in this tab (the
 * path they wanted included). If the launch fails they land on the Apps home with the reason.
 */
export function useAppHandOff(handOff: AppHandOff | null) {
  const navigate = useNavigate();
  const [launching, setLaunching] = useState(false);

  const complete = useCallback(async () => {
    if (!handOff) return;
    setLaunching(true);
    try {
      const { url } = await launchApp(handOff.app, handOff.next);
      leaveTo(url);
    } catch (error) {
      setLaunching(false);
      void navigate(paths.appsHome.getHref(), {
        replace: true,
        state: { launchError: errorMessage(error) } satisfies AppsHomeState,
      });
    }
  }, [handOff, navigate]);

  return { complete, launching };
}
