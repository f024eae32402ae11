// A job's tasks and their dependencies as a left-to-right graph (layout in logic/graph-layout.ts).

import { createMemo, For, Show, type JSX } from 'solid-js';
import { DEFAULT_SIZES, layoutGraph, type GraphEdgeInput } from '../logic/graph-layout.ts';

export interface GraphTask {
  id: string;
  index: number;
  name: string;
  type: string;
  status?: string;
}

/** Beyond this many tasks the picture says less than the table; the graph is not drawn. */
export const GRAPH_LIMIT = 1500;

export function DependencyGraph(props: { tasks: GraphTask[]; edges: GraphEdgeInput[]; onSelect?: (id: string) => void }): JSX.Element {
  const layout = createMemo(() => (props.tasks.length > GRAPH_LIMIT ? undefined : layoutGraph(props.tasks, props.edges)));
  const byId = createMemo(() => new Map(props.tasks.map((task) => [task.id, task])));
  const { nodeWidth, nodeHeight } = DEFAULT_SIZES;
  return (
    <Show
      when={layout()}
      fallback={<p class="muted">This job has {props.tasks.length} tasks; the graph is drawn for at most {GRAPH_LIMIT}. The task table lists them all.</p>}
    >
      {(placed) => (
        <div class="graph" data-testid="dependency-graph">
          <svg width={placed().width + 2} height={placed().height + 2} role="img" aria-label={`Dependency graph of ${props.tasks.length} tasks`}>
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" class="graph-arrow" />
              </marker>
            </defs>
            <For each={placed().edges}>
              {(edge) => {
                const mid = (edge.x1 + edge.x2) / 2;
                return <path class="graph-edge" d={`M ${edge.x1} ${edge.y1} C ${mid} ${edge.y1}, ${mid} ${edge.y2}, ${edge.x2} ${edge.y2}`} marker-end="url(#arrow)" />;
              }}
            </For>
            <For each={placed().nodes}>
              {(node) => {
                const task = byId().get(node.id)!;
                return (
                  <g
                    transform={`translate(${node.x + 1} ${node.y + 1})`}
                    class={`graph-node status-${task.status ?? 'none'}`}
                    tabindex={props.onSelect ? 0 : undefined}
                    role={props.onSelect ? 'link' : undefined}
                    onClick={() => props.onSelect?.(node.id)}
                    onKeyDown={(e) => e.key === 'Enter' && props.onSelect?.(node.id)}
                  >
                    <title>{`${task.name} (${task.type})${task.status ? `: ${task.status}` : ''}`}</title>
                    <rect width={nodeWidth} height={nodeHeight} rx="6" />
                    <text x="8" y="15" class="graph-name">
                      {clip(task.name, 24)}
                    </text>
                    <text x="8" y="29" class="graph-type">
                      {task.type}
                      {task.status ? ` · ${task.status}` : ''}
                    </text>
                  </g>
                );
              }}
            </For>
          </svg>
        </div>
      )}
    </Show>
  );
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
