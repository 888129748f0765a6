import '@testing-library/jest-dom/vitest';

import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

import { setUnauthorizedHandler } from '@/lib/api-client';

// `findBy…`/`waitFor` poll for a condition until this deadline. The 1 s default is a guess at
// speed that a loaded machine breaks; a condition that never holds still fails.
configure({ asyncUtilTimeout: 15_000 });

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
