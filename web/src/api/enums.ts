// Run-time checks for the OpenAPI document's enums, for strings the client reads itself (error
// bodies, server-sent events). The value lists are generated with the types (`enumValues`), so a
// new code or state in the document is known here after `npm run gen:api`.

import { accessModeValues, errorCodeValues, liveStateValues } from './schema.gen';
import type { AccessMode, AppState, ErrorCode } from './types';

const ERROR_CODES: ReadonlySet<string> = new Set(errorCodeValues);
const LIVE_STATES: ReadonlySet<string> = new Set(liveStateValues);
const ACCESS_MODES: ReadonlySet<string> = new Set(accessModeValues);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && ERROR_CODES.has(value);
}

export function isAppState(value: unknown): value is AppState {
  return typeof value === 'string' && LIVE_STATES.has(value);
}

export function isAccessMode(value: unknown): value is AccessMode {
  return typeof value === 'string' && ACCESS_MODES.has(value);
}
