import { cn } from '@/lib/cn';

import { edgeStyle } from '../utils/edge-style';
import { LINK_STATES, linkStateInfo } from '../utils/wiring-model';

/** What the lines of the diagram mean, in words next to a sample of each. */
export function WiringLegend({ className }: { className?: string }) {
  return (
    <div className={className}>
      <h3 id="wiring-legend-heading" className="sr-only">
        What the lines mean
      </h3>
      <ul
        aria-labelledby="wiring-legend-heading"
        className="flex flex-wrap gap-x-5 gap-y-2 text-xs text-zinc-600 dark:text-zinc-400"
      >
        {LINK_STATES.map((state) => {
          const info = linkStateInfo(state);
          const style = edgeStyle(state);
          return (
            <li key={state} className="flex items-center gap-2" title={info.description}>
              <svg viewBox="0 0 40 16" className="h-4 w-10 shrink-0" aria-hidden="true">
                <line
                  x1={1}
                  y1={8}
                  x2={39}
                  y2={8}
                  strokeWidth={style.width}
                  strokeDasharray={style.dash}
                  className={cn(style.stroke, style.line)}
                />
                <circle
                  cx={20}
                  cy={8}
                  r={6.5}
                  strokeWidth={1.5}
                  className={cn('fill-white dark:fill-zinc-900', style.stroke)}
                />
                <text
                  x={20}
                  y={8}
                  textAnchor="middle"
                  dominantBaseline="central"
                  fontSize={9}
                  fontWeight={700}
                  className={style.fill}
                >
                  {info.glyph}
                </text>
              </svg>
              <span>
                <span className="font-medium text-zinc-800 dark:text-zinc-200">{info.label}</span>
                <span className="sr-only">: {info.description}</span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
