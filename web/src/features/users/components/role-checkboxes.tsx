import type { Role } from '@/api/types';
import { CheckboxField } from '@/components/ui/field';

/** One checkbox per role, in a fieldset; system roles first. */
export function RoleCheckboxes({
  roles,
  selected,
  onChange,
  disabled,
  legend = 'Roles',
  error,
}: {
  roles: Role[];
  selected: number[];
  onChange: (ids: number[]) => void;
  disabled?: boolean;
  legend?: string;
  error?: string | undefined;
}) {
  const sorted = [...roles].sort((a, b) =>
    a.is_system === b.is_system ? a.name.localeCompare(b.name) : a.is_system ? -1 : 1,
  );
  return (
    <fieldset className="space-y-2.5">
      <legend className="mb-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {legend}
      </legend>
      {sorted.map((role) => (
        <CheckboxField
          key={role.id}
          label={role.name}
          hint={role.description || undefined}
          checked={selected.includes(role.id)}
          disabled={disabled}
          onChange={(event) =>
            onChange(
              event.target.checked
                ? [...selected, role.id]
                : selected.filter((id) => id !== role.id),
            )
          }
        />
      ))}
      {error && <p className="text-sm text-red-600 dark:text-red-400">{error}</p>}
    </fieldset>
  );
}
