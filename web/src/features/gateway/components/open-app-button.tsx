import { Button, type ButtonProps } from '@/components/ui/button';

import { useOpenApp } from '../hooks/use-open-app';

/** "Open": the app in a new tab, signed in through the gateway. */
export function OpenAppButton({
  app,
  label,
  variant = 'primary',
  size = 'md',
  className,
}: {
  app: string;
  /** The app's display name (the button's accessible name is "Open <label>"). */
  label: string;
  variant?: ButtonProps['variant'];
  size?: ButtonProps['size'];
  className?: string;
}) {
  const { openApp, openingApp } = useOpenApp();
  return (
    <Button
      variant={variant}
      size={size}
      className={className}
      loading={openingApp === app}
      aria-label={`Open ${label}`}
      title={`Open ${label} in a new tab`}
      onClick={() => openApp(app, { label })}
    >
      Open
    </Button>
  );
}
