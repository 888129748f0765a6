import { describe, expect, it } from 'vitest';

import { categoryLabel } from '../catalog-categories';

describe('categoryLabel', () => {
  it.each([
    ['media-server', 'Media servers'],
    ['media-manager', 'Media managers'],
    ['indexer', 'Indexers'],
    ['download-client', 'Download clients'],
    ['DOWNLOAD-CLIENT', 'Download clients'],
    ['request', 'Requests'],
    ['subtitles', 'Subtitles'],
    ['home_automation', 'Home automation'],
    ['  ', 'Other'],
    ['Media management', 'Media management'],
  ])('%j reads as %j', (slug, label) => {
    expect(categoryLabel(slug)).toBe(label);
  });
});
