import '@testing-library/jest-dom/vitest';

import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

import { setUnauthorizedHandler } from '@/lib/api-client';

// jsdom does not lay out pages, so it has no scrollIntoView.
Element.prototype.scrollIntoView = function scrollIntoView() {
  // nothing to scroll in jsdom
};

afterEach(() => {
  cleanup();
  setUnauthorizedHandler(null);
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});
