import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';
import { leaveTo, openBlankTab } from '@/lib/navigation';

import { useLaunchApp } from '../api/launch-app';

export interface OpenAppOptions {
  /** Where to land on the app's origin (a path starting with one `/`). */
  next?: string;
  /** The name the user knows the app by, for the error toast. */
  label?: string;
}

/**
 * Opening an app in a new tab through the gateway. The tab is opened synchronously in the click
 * (as about:blank, so no popup blocker eats it) and sent to the single-use launch URL once the
 * server answers; if the launch fails the tab is closed and a toast says why. Without a tab (the
 * browser refused one anyway) the app opens in this tab.
 */
export function useOpenApp() {
  const launch = useLaunchApp();
  const { toast } = useToast();

  const openApp = (app: string, { next, label }: OpenAppOptions = {}) => {
    const tab = openBlankTab();
    launch.mutate(
      { app, next },
      {
        onSuccess: ({ url }) => {
          if (tab && !tab.closed) tab.location.href = url;
          else leaveTo(url);
        },
        onError: (error) => {
          tab?.close();
          toast({
            tone: 'error',
            title: `Could not open ${label ?? app}`,
            description: errorMessage(error),
          });
        },
      },
    );
  };

  return {
    openApp,
    /** The app whose launch is under way, if any. */
    openingApp: launch.isPending ? launch.variables.app : null,
  };
}
