import { useState } from 'react';

import type { PodInfo } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { downloadText } from '@/lib/download';

import { useLogSearch } from '../hooks/use-log-search';
import { useLogStream } from '../hooks/use-log-stream';
import { useStickToBottom } from '../hooks/use-stick-to-bottom';
import { LogLines } from './log-lines';
import { LogSearchBar } from './log-search-bar';
import { LogSourceBar } from './log-source-bar';
import { LogStatusBar } from './log-status-bar';
import { DEFAULT_MAX_LINES, logFileName } from './log-viewer-model';

export interface LogViewerProps {
  app: string;
  /** The app's pods; the viewer picks the first until the user chooses. */
  pods: PodInfo[];
  podsLoading?: boolean;
  maxLines?: number;
}

/**
 * The live log viewer: pod and container choice, follow on/off, pause, search with highlighting
 * and match navigation, download of the loaded lines, a bounded buffer (oldest lines drop off).
 * This component wires the parts together: the source bar, the search bar, the lines and the
 * status bar; the buffer lives in `use-log-stream`, the search in `use-log-search`.
 */
export function LogViewer({
  app,
  pods,
  podsLoading = false,
  maxLines = DEFAULT_MAX_LINES,
}: LogViewerProps) {
  const [chosenPod, setChosenPod] = useState<string>();
  const [chosenContainer, setChosenContainer] = useState<string>();
  const [follow, setFollow] = useState(true);

  // A chosen pod that went away (e.g. replaced by a restart) falls back to the first one.
  const pod = pods.find((p) => p.name === chosenPod) ?? pods[0];
  const containers = pod?.containers ?? [];
  const container =
    chosenContainer && containers.includes(chosenContainer) ? chosenContainer : containers[0];

  const stream = useLogStream({
    app,
    pod: pod?.name,
    container,
    follow,
    maxLines,
    enabled: Boolean(pod),
  });
  const search = useLogSearch(stream.lines);
  const scroll = useStickToBottom(search.visible);

  const jumpToLatest = () => {
    if (stream.paused) stream.resume();
    scroll.scrollToBottom();
  };

  const download = () => {
    const text = [...stream.lines, ...stream.pending].map((line) => line.text).join('\n');
    downloadText(logFileName([app, pod?.name, container]), text ? `${text}\n` : '');
  };

  if (!podsLoading && pods.length === 0) {
    return (
      <Alert tone="info" title="No pods to read logs from">
        The app has no pods right now. Logs appear here once its pods start.
      </Alert>
    );
  }

  return (
    <section aria-label={`Logs of ${app}`} className="space-y-3">
      <LogSourceBar
        pods={pods}
        pod={pod}
        onPodChange={setChosenPod}
        container={container}
        onContainerChange={setChosenContainer}
        follow={follow}
        onFollowChange={(next) => {
          setFollow(next);
          scroll.stick();
        }}
        stream={stream}
        onDownload={download}
      />
      <LogSearchBar search={search} onStep={scroll.release} />
      <LogLines
        stream={stream}
        search={search}
        scroll={scroll}
        follow={follow}
        onJumpToLatest={jumpToLatest}
      />
      <LogStatusBar stream={stream} follow={follow} maxLines={maxLines} />
    </section>
  );
}
