import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { boundaryViolation, zoneOf } from './kubarr-plugin.js';

const src = path.resolve(import.meta.dirname, '..', 'src');
const file = (rel) => path.join(src, rel);

describe('kubarr/boundaries', () => {
  it('knows the layers', () => {
    expect(zoneOf(file('app/router.tsx'))).toEqual({ layer: 'app' });
    expect(zoneOf(file('main.tsx'))).toEqual({ layer: 'app' });
    expect(zoneOf(file('features/catalog/api/get-catalog.ts'))).toEqual({
      layer: 'feature',
      feature: 'catalog',
    });
    expect(zoneOf(file('lib/auth.tsx'))).toEqual({ layer: 'shared' });
  });

  it('forbids imports between features, by alias or relative path', () => {
    const from = file('features/catalog/components/catalog-view.tsx');
    expect(boundaryViolation(from, '@/features/apps/api/get-apps')).toMatch(
      /must not import feature "apps"/,
    );
    expect(boundaryViolation(from, '../../apps/api/get-apps')).toMatch(
      /must not import feature "apps"/,
    );
    expect(boundaryViolation(from, '../api/get-catalog')).toBeNull();
    expect(boundaryViolation(from, '@/features/catalog/api/get-catalog')).toBeNull();
  });

  it('keeps imports one-way: shared → features → app', () => {
    expect(boundaryViolation(file('lib/auth.tsx'), '@/features/auth/api/login')).toMatch(
      /shared code/,
    );
    expect(boundaryViolation(file('components/ui/button.tsx'), '@/app/router')).toMatch(
      /shared code/,
    );
    expect(
      boundaryViolation(file('features/apps/components/app-card.tsx'), '@/app/router'),
    ).toMatch(/src\/app/);
    expect(
      boundaryViolation(
        file('app/routes/catalog.tsx'),
        '@/features/catalog/components/catalog-view',
      ),
    ).toBeNull();
    expect(
      boundaryViolation(file('features/apps/components/app-card.tsx'), '@/lib/auth'),
    ).toBeNull();
  });

  it('ignores packages', () => {
    expect(boundaryViolation(file('lib/auth.tsx'), 'react-router')).toBeNull();
  });
});
