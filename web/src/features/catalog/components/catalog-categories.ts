// Catalog categories as people read them. Charts name their category with a slug
// (`kubarr.io/category: download-client`); headings show words ("Download clients").

const LABELS: Record<string, string> = {
  'media-server': 'Media servers',
  'media-manager': 'Media managers',
  indexer: 'Indexers',
  'download-client': 'Download clients',
  request: 'Requests',
  subtitles: 'Subtitles',
};

/** The heading of a category: a known slug's plural, else the slug in words, else "Other". */
export function categoryLabel(category: string): string {
  const slug = category.trim();
  if (!slug) return 'Other';
  const known = LABELS[slug.toLowerCase()];
  if (known) return known;
  const words = slug.replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
