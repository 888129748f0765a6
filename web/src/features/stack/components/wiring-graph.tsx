import { useId, type KeyboardEvent } from 'react';
import { Link } from 'react-router';

import { AppIcon } from '@/components/app-icon';
import { paths } from '@/config/paths';
import { cn } from '@/lib/cn';

import type { WiringLink } from '../api/types';
import { appIconHref } from '../utils/app-icon-href';
import { edgeStyle } from '../utils/edge-style';
import {
  kindLabel,
  LINK_STATES,
  linkStateInfo,
  linkTitle,
  NODE_HEADER_HEIGHT,
  NODE_ROW_HEIGHT,
  NODE_WIDTH,
  type GraphEdge,
  type GraphLayout,
  type GraphNode,
  type NameOf,
} from '../utils/wiring-model';

/** Enter or Space on a focusable non-button element acts like a click. */
function onActivate(action: () => void) {
  return (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      action();
    }
  };
}

/** The accessible name of a link: who, what, and how it is. */
export function linkLabel(link: WiringLink, nameOf: NameOf): string {
  return `${linkTitle(link, nameOf)}, ${kindLabel(link.kind)}: ${linkStateInfo(link.state).label}`;
}

function Edge({
  edge,
  nameOf,
  markerPrefix,
  onSelect,
}: {
  edge: GraphEdge;
  nameOf: NameOf;
  markerPrefix: string;
  onSelect: (id: string) => void;
}) {
  const { link } = edge;
  const style = edgeStyle(link.state);
  const state = linkStateInfo(link.state);
  const select = () => onSelect(link.id);
  return (
    <g
      role="button"
      tabIndex={0}
      aria-label={linkLabel(link, nameOf)}
      data-link={link.id}
      data-state={link.state}
      className="group cursor-pointer outline-none"
      onClick={select}
      onKeyDown={onActivate(select)}
    >
      <title>{`${linkTitle(link, nameOf)} (${kindLabel(link.kind)}): ${state.label}`}</title>
      {/* The focus ring, then a wide invisible line that is easy to click. */}
      <path
        d={edge.path}
        fill="none"
        strokeWidth={8}
        strokeLinecap="round"
        className="stroke-indigo-500/0 group-focus-visible:stroke-indigo-500/60 group-hover:stroke-zinc-400/20"
      />
      <path d={edge.path} fill="none" stroke="transparent" strokeWidth={16} />
      <path
        d={edge.path}
        fill="none"
        strokeWidth={style.width}
        strokeDasharray={style.dash}
        markerEnd={`url(#${markerPrefix}-${LINK_STATES.includes(link.state) ? link.state : 'pending'})`}
        className={cn(style.stroke, style.line)}
      />
      <g aria-hidden="true">
        <circle
          cx={edge.mid.x}
          cy={edge.mid.y}
          r={9}
          strokeWidth={1.5}
          className={cn('fill-white dark:fill-zinc-900', style.stroke)}
        />
        <text
          x={edge.mid.x}
          y={edge.mid.y}
          textAnchor="middle"
          dominantBaseline="central"
          fontSize={12}
          fontWeight={700}
          className={style.fill}
        >
          {state.glyph}
        </text>
      </g>
    </g>
  );
}

function Node({
  node,
  nameOf,
  onSelect,
}: {
  node: GraphNode;
  nameOf: NameOf;
  onSelect: (id: string) => void;
}) {
  const { app } = node;
  const name = nameOf(app.name);
  return (
    <div
      role="group"
      aria-label={name}
      data-app={app.name}
      className="absolute flex flex-col rounded-lg bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-700"
      style={{ left: node.x, top: node.y, width: NODE_WIDTH, height: node.height }}
    >
      <div className="flex items-center gap-2.5 px-3" style={{ height: NODE_HEADER_HEIGHT }}>
        <AppIcon src={appIconHref(app.name)} label={name} className="size-8" />
        <Link
          to={paths.app.getHref(app.name)}
          className="truncate text-sm font-semibold text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-100"
        >
          {name}
        </Link>
      </div>
      {node.rootFolders.length > 0 && (
        <ul aria-label={`${name} root folders`} className="space-y-0 px-2 pb-2">
          {node.rootFolders.map((link) => {
            const state = linkStateInfo(link.state);
            const style = edgeStyle(link.state);
            return (
              <li key={link.id} style={{ height: NODE_ROW_HEIGHT }}>
                <button
                  type="button"
                  aria-label={`${name} root folder: ${state.label}`}
                  data-link={link.id}
                  data-state={link.state}
                  title={link.detail ?? undefined}
                  onClick={() => onSelect(link.id)}
                  className="flex h-full w-full items-center gap-2 rounded-md px-1.5 text-left text-xs text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-300 dark:hover:bg-zinc-800"
                >
                  <svg viewBox="0 0 16 16" className="size-4 shrink-0" aria-hidden="true">
                    <circle
                      cx={8}
                      cy={8}
                      r={6.5}
                      strokeWidth={1.5}
                      className={cn('fill-white dark:fill-zinc-900', style.stroke)}
                    />
                    <text
                      x={8}
                      y={8}
                      textAnchor="middle"
                      dominantBaseline="central"
                      fontSize={9}
                      fontWeight={700}
                      className={style.fill}
                    >
                      {state.glyph}
                    </text>
                  </svg>
                  <span className="truncate">Root folder</span>
                  <span className="ml-auto shrink-0 text-zinc-500 dark:text-zinc-400">
                    {state.label}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/**
 * The stack as a diagram: apps in columns by role, each link between two apps a line coloured,
 * patterned and marked by its state; root folders as rows on their app. Lines and rows are
 * focusable and open the link's details (click, Enter or Space). Scrolls sideways on a phone.
 */
export function WiringGraph({
  layout,
  nameOf,
  onSelect,
}: {
  layout: GraphLayout;
  nameOf: NameOf;
  onSelect: (id: string) => void;
}) {
  const markerPrefix = `wiring-arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  return (
    <div className="overflow-x-auto rounded-lg bg-zinc-50 ring-1 ring-zinc-200 dark:bg-zinc-950 dark:ring-zinc-800">
      <div
        role="group"
        aria-label="Stack diagram"
        className="relative mx-auto"
        style={{ width: layout.width, height: layout.height }}
      >
        {layout.columns.map((column) => (
          <p
            key={column.title}
            aria-hidden="true"
            className="absolute top-4 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
            style={{ left: column.x, width: NODE_WIDTH }}
          >
            {column.title}
          </p>
        ))}
        <svg
          role="group"
          aria-label="Links between apps"
          className="absolute inset-0 overflow-visible"
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
        >
          <defs>
            {LINK_STATES.map((state) => (
              <marker
                key={state}
                id={`${markerPrefix}-${state}`}
                viewBox="0 0 10 10"
                refX={9}
                refY={5}
                markerWidth={7}
                markerHeight={7}
                markerUnits="userSpaceOnUse"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" className={edgeStyle(state).fill} />
              </marker>
            ))}
          </defs>
          {layout.edges.map((edge) => (
            <Edge
              key={edge.link.id}
              edge={edge}
              nameOf={nameOf}
              markerPrefix={markerPrefix}
              onSelect={onSelect}
            />
          ))}
        </svg>
        {layout.nodes.map((node) => (
          <Node key={node.app.name} node={node} nameOf={nameOf} onSelect={onSelect} />
        ))}
      </div>
    </div>
  );
}
