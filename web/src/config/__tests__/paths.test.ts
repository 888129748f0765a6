import { describe, expect, it } from 'vitest';

import { paths, safeRedirect } from '@/config/paths';

describe('safeRedirect', () => {
  it('keeps same-origin paths with query and hash', () => {
    expect(safeRedirect('/catalog?q=son#top')).toBe('/catalog?q=son#top');
    expect(safeRedirect('/apps/sonarr')).toBe('/apps/sonarr');
  });

  it('refuses anything that could leave the site', () => {
    for (const evil of [
      '//evil.test/x',
      '/\\evil.test',
      'https://evil.test',
      'javascript:alert(1)',
      'catalog',
    ]) {
      expect(safeRedirect(evil)).toBe('/');
    }
  });

  it('does not loop back to the signed-out pages', () => {
    expect(safeRedirect('/login?redirect=/x')).toBe('/');
    expect(safeRedirect('/setup')).toBe('/');
    expect(safeRedirect(null)).toBe('/');
  });
});

describe('paths', () => {
  it('builds hrefs with encoded parameters', () => {
    expect(paths.login.getHref('/apps/a b')).toBe('/login?redirect=%2Fapps%2Fa%20b');
    expect(paths.login.getHref('/')).toBe('/login');
    expect(paths.register.getHref('tok/en')).toBe('/register?invite=tok%2Fen');
    expect(paths.app.getHref('sonarr')).toBe('/apps/sonarr');
  });
});
