// Leaving the SPA for another origin (an app on the gateway). One place, so tests can watch it:
// jsdom cannot navigate.

/** Loads `url` in this tab. */
export function leaveTo(url: string): void {
  window.location.assign(url);
}

/**
 * Opens an empty tab now, inside the user's click, so popup blockers let it through; the caller
 * sends it somewhere once it knows where. `null` when the browser refused a tab anyway.
 */
export function openBlankTab(): Window | null {
  const tab = window.open('about:blank', '_blank');
  // What loads there later must not be able to steer this page (reverse tabnabbing).
  if (tab) tab.opener = null;
  return tab;
}
