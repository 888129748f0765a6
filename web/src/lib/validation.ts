// Client-side checks mirroring the server's rules, so most mistakes are caught before a request.
// The server stays the authority: its 400s are shown next to the field they name.

export const PASSWORD_MIN_CHARS = 8;
/** bcrypt reads at most 72 bytes; the server refuses longer passwords. */
export const PASSWORD_MAX_BYTES = 72;

export function passwordProblem(password: string): string | null {
  if (!password) return 'Choose a password.';
  // Code points, as the server counts them.
  if (Array.from(password).length < PASSWORD_MIN_CHARS) {
    return `Use at least ${PASSWORD_MIN_CHARS} characters.`;
  }
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES) {
    return `Use at most ${PASSWORD_MAX_BYTES} bytes (fewer characters if they are not plain ASCII).`;
  }
  return null;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

export function usernameProblem(username: string): string | null {
  const value = username.trim();
  if (!value) return 'Choose a username.';
  if (!USERNAME.test(value)) {
    return '3 to 64 letters, digits, “.”, “_” or “-”, starting with a letter or digit.';
  }
  return null;
}

export function emailProblem(email: string): string | null {
  const value = email.trim();
  if (!value) return 'Enter an email address.';
  if (!/^[^\s@]+@[^\s@]+$/.test(value) || value.length > 254) {
    return 'Enter a valid email address.';
  }
  return null;
}

/** A 6-digit TOTP code, ignoring spaces the user may type between groups. */
export function normaliseTotp(code: string): string {
  return code.replace(/\s+/g, '');
}

export function totpProblem(code: string): string | null {
  const value = normaliseTotp(code);
  if (!value) return 'Enter the 6-digit code from your authenticator app.';
  if (!/^\d{6}$/.test(value)) return 'The code has 6 digits.';
  return null;
}
