import { apiClient, unwrap } from '@/lib/api-client';

export interface AppLogsQuery {
  app: string;
  /** Default: the app's first pod. */
  pod?: string | undefined;
  /** Default: the pod's first container. */
  container?: string | undefined;
  /** Lines from the end (server default 500, at most 10 000). */
  tailLines?: number | undefined;
  sinceSeconds?: number | undefined;
  /** Keep the response open and stream new lines as they are written. */
  follow?: boolean;
}

export interface LogStreamHandlers {
  /** The server accepted the request; lines follow. */
  onOpen?: () => void;
  /** A decoded chunk: not split into lines, and it may end mid-line. */
  onText: (text: string) => void;
}

/**
 * GET /api/apps/{app}/logs — plain text lines, read with a stream reader so followed logs arrive
 * as they are written. Resolves when the server closes the response; rejects with an ApiError when
 * it refuses it; abort `signal` to stop.
 */
export async function streamAppLogs(
  query: AppLogsQuery,
  { onOpen, onText }: LogStreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  const body = await unwrap(
    apiClient.GET('/api/apps/{app}/logs', {
      params: {
        path: { app: query.app },
        query: {
          pod: query.pod,
          container: query.container,
          tail_lines: query.tailLines,
          since_seconds: query.sinceSeconds,
          follow: query.follow ? true : undefined,
        },
      },
      headers: { Accept: 'text/plain, application/json' },
      parseAs: 'stream',
      cache: 'no-store',
      signal,
    }),
  );
  onOpen?.();
  if (!body) return;
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text) onText(text);
    }
    const rest = decoder.decode();
    if (rest) onText(rest);
  } finally {
    reader.releaseLock();
  }
}
