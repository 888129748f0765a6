// How an edge of each state is drawn. Colour, line pattern and the mark on the edge all differ,
// so the state can be told without seeing colour (and the legend says it in words).

import type { WiringState } from '../api/types';

export interface EdgeStyle {
  /** Stroke (and mark) colour classes, light and dark. */
  stroke: string;
  /** Fill classes of the arrowhead and the mark's glyph. */
  fill: string;
  dash: string | undefined;
  width: number;
  /** Extra classes of the line (the moving dashes of `pending`). */
  line?: string;
}

const STYLES: Record<WiringState, EdgeStyle> = {
  ok: {
    stroke: 'stroke-emerald-600 dark:stroke-emerald-400',
    fill: 'fill-emerald-600 dark:fill-emerald-400',
    dash: undefined,
    width: 2,
  },
  pending: {
    stroke: 'stroke-zinc-400 dark:stroke-zinc-500',
    fill: 'fill-zinc-500 dark:fill-zinc-400',
    dash: '8 6',
    width: 2,
    line: 'motion-safe:animate-wiring-flow',
  },
  drifted: {
    stroke: 'stroke-amber-500 dark:stroke-amber-400',
    fill: 'fill-amber-600 dark:fill-amber-400',
    dash: '12 4',
    width: 2,
  },
  failed: {
    stroke: 'stroke-red-600 dark:stroke-red-400',
    fill: 'fill-red-600 dark:fill-red-400',
    dash: undefined,
    width: 2.5,
  },
  disabled: {
    stroke: 'stroke-zinc-300 dark:stroke-zinc-600',
    fill: 'fill-zinc-400 dark:fill-zinc-500',
    dash: '3 5',
    width: 2,
  },
};

export function edgeStyle(state: string): EdgeStyle {
  if (Object.hasOwn(STYLES, state)) return STYLES[state as WiringState];
  // A state this build does not know (a newer server's): grey, still.
  return { ...STYLES.pending, line: undefined };
}
