/**
 * Copies `text` to the clipboard. Uses the async Clipboard API where the page may (a secure
 * context: HTTPS or localhost), else a hidden textarea and `execCommand('copy')`, which also works
 * on plain-HTTP LAN addresses. Resolves false when neither worked.
 */
export async function copyText(text: string): Promise<boolean> {
  // `navigator.clipboard` is undefined outside a secure context, whatever the types say.
  if (window.isSecureContext && 'clipboard' in navigator) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or no focus: try the fallback.
    }
  }
  const active = document.activeElement as HTMLElement | null;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let ok: boolean;
  try {
    // Deprecated, but the only way to copy outside a secure context.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  active?.focus();
  return ok;
}
