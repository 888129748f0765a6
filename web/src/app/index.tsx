import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router/dom';

import { setUnauthorizedHandler } from '@/lib/api-client';
import { createQueryClient } from '@/lib/react-query';

import { AppProvider } from './provider';
import { createAppRouter } from './router';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createAppRouter);

  // A 401 from any API call: go to /login?redirect=… without a reload, then forget the ended
  // session's data.
  useEffect(() => {
    setUnauthorizedHandler((loginHref) => {
      void router.navigate(loginHref, { replace: true }).then(() => {
        queryClient.clear();
      });
    });
    return () => setUnauthorizedHandler(null);
  }, [router, queryClient]);

  return (
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>
  );
}
