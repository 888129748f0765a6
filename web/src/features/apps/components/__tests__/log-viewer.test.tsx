import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { PodInfo } from '@/api/types';
import { mockFetch, type RecordedRequest } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { LogViewer } from '../log-viewer';

const pods: PodInfo[] = [
  { name: 'sonarr-a', phase: 'Running', ready: true, restarts: 0, containers: ['app', 'sidecar'] },
  { name: 'sonarr-b', phase: 'Running', ready: true, restarts: 1, containers: ['app'] },
];

/** A logs endpoint whose responses are streams the test writes to. */
function logsEndpoint() {
  const streams: { request: RecordedRequest; push: (text: string) => void; close: () => void }[] =
    [];
  const encoder = new TextEncoder();
  const mock = mockFetch([
    {
      path: '/api/apps/sonarr/logs',
      reply: (request) => {
        let controller!: ReadableStreamDefaultController<Uint8Array>;
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            controller = c;
          },
        });
        streams.push({
          request,
          push: (text) => controller.enqueue(encoder.encode(text)),
          close: () => controller.close(),
        });
        return new Response(body, { headers: { 'Content-Type': 'text/plain' } });
      },
    },
  ]);
  const latest = () => {
    const stream = streams[streams.length - 1];
    if (!stream) throw new Error('no log request yet');
    return stream;
  };
  const push = async (text: string) => {
    await act(async () => {
      latest().push(text);
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  };
  return { ...mock, streams, latest, push };
}

function renderViewer(props: Partial<Parameters<typeof LogViewer>[0]> = {}) {
  return renderWithProviders(<LogViewer app="sonarr" pods={pods} {...props} />, {
    user: makeUser({ permissions: ['apps.view', 'logs.view'] }),
  });
}

const logArea = () => screen.getByRole('log', { name: 'Log lines' });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LogViewer', () => {
  it('follows the first pod and container, showing lines as they arrive', async () => {
    const logs = logsEndpoint();
    renderViewer();
    await waitFor(() => expect(logs.streams).toHaveLength(1));
    expect(logs.latest().request.path).toBe(
      '/api/apps/sonarr/logs?pod=sonarr-a&container=app&tail_lines=1000&follow=true',
    );
    await logs.push('line one\nline t');
    expect(await within(logArea()).findByText('line one')).toBeInTheDocument();
    expect(within(logArea()).queryByText('line t')).not.toBeInTheDocument();
    await logs.push('wo\n');
    expect(within(logArea()).getByText('line two')).toBeInTheDocument();
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(screen.getByText('2 lines')).toBeInTheDocument();
  });

  it('holds new lines while paused and shows them on resume', async () => {
    const logs = logsEndpoint();
    const { user } = renderViewer();
    await waitFor(() => expect(logs.streams).toHaveLength(1));
    await logs.push('before\n');
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    await logs.push('during pause\n');
    expect(within(logArea()).queryByText('during pause')).not.toBeInTheDocument();
    expect(screen.getByText(/1 new lines waiting/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Resume/ }));
    expect(within(logArea()).getByText('during pause')).toBeInTheDocument();
  });

  it('keeps only the last maxLines lines and says how many were dropped', async () => {
    const logs = logsEndpoint();
    renderViewer({ maxLines: 3 });
    await waitFor(() => expect(logs.streams).toHaveLength(1));
    await logs.push('l1\nl2\nl3\nl4\nl5\n');
    const area = logArea();
    expect(within(area).queryByText('l2')).not.toBeInTheDocument();
    expect(within(area).getByText('l3')).toBeInTheDocument();
    expect(within(area).getByText('l5')).toBeInTheDocument();
    expect(screen.getByText(/2 older dropped \(keeps the last 3\)/)).toBeInTheDocument();
  });

  it('searches the loaded lines: highlights, counts, steps and filters', async () => {
    const logs = logsEndpoint();
    const { user } = renderViewer();
    await waitFor(() => expect(logs.streams).toHaveLength(1));
    await logs.push('GET /series 200\nerror: disk full\nGET /queue 200\n');
    const search = screen.getByLabelText('Search the loaded lines');
    await user.type(search, 'get');
    await waitFor(() => expect(screen.getByText('2 matches')).toBeInTheDocument());
    expect(logArea().querySelectorAll('mark')).toHaveLength(2);
    await user.keyboard('{Enter}');
    expect(screen.getByText('1 of 2')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next match' }));
    expect(screen.getByText('2 of 2')).toBeInTheDocument();
    await user.keyboard('{Shift>}{Enter}{/Shift}');
    expect(screen.getByText('1 of 2')).toBeInTheDocument();

    await user.click(screen.getByLabelText('Only matching lines'));
    expect(within(logArea()).queryByText('error: disk full')).not.toBeInTheDocument();
    await user.clear(search);
    await waitFor(() =>
      expect(within(logArea()).getByText('error: disk full')).toBeInTheDocument(),
    );
    expect(screen.queryByText(/matches?$/)).not.toBeInTheDocument();
  });

  it('reads another pod or container, and a snapshot when not following', async () => {
    const logs = logsEndpoint();
    const { user } = renderViewer();
    await waitFor(() => expect(logs.streams).toHaveLength(1));
    await logs.push('from a/app\n');

    await user.selectOptions(screen.getByLabelText('Container'), 'sidecar');
    await waitFor(() => expect(logs.streams).toHaveLength(2));
    expect(logs.latest().request.path).toContain('pod=sonarr-a&container=sidecar');
    expect(within(logArea()).queryByText('from a/app')).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Pod'), 'sonarr-b');
    await waitFor(() => expect(logs.streams).toHaveLength(3));
    expect(logs.latest().request.path).toContain('pod=sonarr-b&container=app');

    await user.click(screen.getByLabelText('Follow'));
    await waitFor(() => expect(logs.streams).toHaveLength(4));
    expect(logs.latest().request.path).not.toContain('follow');
    await logs.push('snapshot\n');
    await act(async () => {
      logs.latest().close();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(await screen.findByText('Loaded')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(logs.streams).toHaveLength(5));
  });

  it('downloads the loaded lines as a .txt file', async () => {
    const logs = logsEndpoint();
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:log';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const click = vi
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
    const { user } = renderViewer();
    await waitFor(() => expect(logs.streams).toHaveLength(1));
    await logs.push('one\ntwo\n');
    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(click).toHaveBeenCalled();
    const anchor = click.mock.contexts[0] as HTMLAnchorElement;
    expect(anchor.download).toMatch(/^sonarr_sonarr-a_app_.+\.txt$/);
    expect(await blobs[0]!.text()).toBe('one\ntwo\n');
  });

  it('says when the server refuses the log, and reconnects on request', async () => {
    const { calls } = mockFetch([
      {
        path: '/api/apps/sonarr/logs',
        reply: { status: 404, body: { error: { code: 'pod_not_found', message: 'No pod `x`.' } } },
      },
    ]);
    const { user } = renderViewer();
    expect(await screen.findByText('Could not read the log')).toBeInTheDocument();
    expect(screen.getByText('No pod `x`.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(calls).toHaveLength(2));
  });

  it('explains when the app has no pods', () => {
    mockFetch([]);
    renderViewer({ pods: [] });
    expect(screen.getByText('No pods to read logs from')).toBeInTheDocument();
  });
});
