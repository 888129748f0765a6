import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `until` (a Date.now() timestamp), ticking once a second; 0 when
 * `until` is null or past. `startedAt` must be the Date.now() at which `until` was set.
 */
export function useCountdown(until: number | null, startedAt: number): number {
  const [now, setNow] = useState(startedAt);

  useEffect(() => {
    if (until === null) return;
    const tick = () => setNow(Date.now());
    const id = setInterval(tick, 1000);
    const initial = setTimeout(tick, 0);
    return () => {
      clearInterval(id);
      clearTimeout(initial);
    };
  }, [until]);

  if (until === null) return 0;
  return Math.max(0, Math.ceil((until - Math.max(now, startedAt)) / 1000));
}
