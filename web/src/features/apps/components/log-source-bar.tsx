import { useId } from 'react';

import type { PodInfo } from '@/api/types';
import { Button } from '@/components/ui/button';
import { CheckboxField } from '@/components/ui/field';
import { Select } from '@/components/ui/input';

import type { LogStream } from '../hooks/use-log-stream';

export interface LogSourceBarProps {
  pods: PodInfo[];
  pod: PodInfo | undefined;
  onPodChange: (pod: string) => void;
  container: string | undefined;
  onContainerChange: (container: string) => void;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  stream: LogStream;
  onDownload: () => void;
}

/**
 * Where the lines come from and what to do with them: pod and container pickers, Follow, then
 * Pause/Resume (following) or Refresh (a snapshot), and Download.
 */
export function LogSourceBar({
  pods,
  pod,
  onPodChange,
  container,
  onContainerChange,
  follow,
  onFollowChange,
  stream,
  onDownload,
}: LogSourceBarProps) {
  const id = useId();
  const containers = pod?.containers ?? [];
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,12rem)_auto]">
      <div className="space-y-1.5">
        <label htmlFor={`${id}-pod`} className="block text-sm font-medium">
          Pod
        </label>
        <Select
          id={`${id}-pod`}
          value={pod?.name ?? ''}
          disabled={pods.length === 0}
          onChange={(event) => onPodChange(event.target.value)}
        >
          {pods.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} ({p.phase})
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1.5">
        <label htmlFor={`${id}-container`} className="block text-sm font-medium">
          Container
        </label>
        <Select
          id={`${id}-container`}
          value={container ?? ''}
          disabled={containers.length < 2}
          onChange={(event) => onContainerChange(event.target.value)}
        >
          {containers.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      </div>
      <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-1">
        <CheckboxField
          label="Follow"
          checked={follow}
          onChange={(event) => onFollowChange(event.target.checked)}
          className="flex h-10 items-center pr-1"
        />
        {follow ? (
          stream.paused ? (
            <Button variant="secondary" onClick={stream.resume} disabled={!pod}>
              Resume
              {stream.pending.length > 0 && (
                <span className="rounded-full bg-indigo-600 px-1.5 text-xs text-white tabular-nums">
                  +{stream.pending.length}
                </span>
              )}
            </Button>
          ) : (
            <Button variant="secondary" onClick={stream.pause} disabled={!pod}>
              Pause
            </Button>
          )
        ) : (
          <Button variant="secondary" onClick={stream.reload} disabled={!pod}>
            Refresh
          </Button>
        )}
        <Button variant="secondary" onClick={onDownload} disabled={stream.lines.length === 0}>
          Download
        </Button>
      </div>
    </div>
  );
}
