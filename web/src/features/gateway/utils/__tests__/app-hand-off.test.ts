import { describe, expect, it } from 'vitest';

import { isRelativePath, parseAppHandOff } from '../app-hand-off';

const parse = (query: string) => parseAppHandOff(new URLSearchParams(query));

describe('parseAppHandOff', () => {
  it('keeps the app and a path on its origin', () => {
    expect(parse('app=qbittorrent&next=%2Fapi%2Fv2%3Fa%3Db%23c')).toEqual({
      app: 'qbittorrent',
      next: '/api/v2?a=b#c',
    });
    expect(parse('app=sonarr-4k')).toEqual({ app: 'sonarr-4k', next: undefined });
  });

  it('drops a next that would leave the app’s origin, but still opens the app', () => {
    for (const next of [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example',
      'evil',
      '',
      '/a b',
      '/a\nb',
      'javascript:alert(1)',
    ]) {
      expect(parse(`app=sonarr&next=${encodeURIComponent(next)}`), next).toEqual({
        app: 'sonarr',
        next: undefined,
      });
    }
  });

  it('is no hand-off without a valid app name', () => {
    expect(parse('')).toBeNull();
    expect(parse('next=%2F')).toBeNull();
    expect(parse('app=Sonarr')).toBeNull();
    expect(parse('app=..%2Fadmin')).toBeNull();
    expect(parse('app=a.b')).toBeNull();
  });

  it('agrees with the server on relative paths', () => {
    expect(isRelativePath('/')).toBe(true);
    expect(isRelativePath('/%2F%2Fevil')).toBe(true);
    expect(isRelativePath(`/${'a'.repeat(2048)}`)).toBe(false);
  });
});
