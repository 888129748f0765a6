import { useParams } from 'react-router';

import { PlaceholderPage } from '@/components/placeholder-page';

export default function AppDetailRoute() {
  const { name = '' } = useParams();
  return (
    <PlaceholderPage
      title={name}
      planned="App detail: status, pods, Kubernetes events, a live log viewer, and upgrade, restart and uninstall actions."
    />
  );
}
