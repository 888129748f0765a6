import { useToast } from '@/components/ui/toast';

import { useUpdateSettings, type SettingChange } from '../api/update-setting';

/**
 * Saving one section of the settings page: the changes in order, a toast on success. An error
 * that `onFieldError` shows next to its field (returning true) is not shown again on top.
 */
export function useSaveSettings(title: string) {
  const { toast } = useToast();
  const update = useUpdateSettings();
  const save = (
    changes: SettingChange[],
    onSaved: () => void,
    onFieldError?: (error: unknown) => boolean,
  ) => {
    if (changes.length === 0) return;
    update.mutate(changes, {
      onSuccess: () => {
        onSaved();
        toast({ tone: 'success', title: `${title} saved` });
      },
      onError: (error) => {
        if (onFieldError?.(error)) update.reset();
      },
    });
  };
  return { save, update };
}
