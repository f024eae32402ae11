// Lays out a job's task dependency graph in columns: a task sits one column right of the last
// of the tasks it waits for, so the graph reads left to right in the order tasks can run.
// Within a column tasks are ordered by where their dependencies sit (fewer crossing edges),
// then by their order in the job.

export interface GraphNodeInput {
  id: string;
  /** Order in the job; ties in a column are broken by it. */
  index: number;
}

export interface GraphEdgeInput {
  /** `to` runs only after `from` completed. */
  from: string;
  to: string;
}

export interface PlacedNode {
  id: string;
  column: number;
  row: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
  /** Tasks caught in a dependency cycle (the manager refuses those; shown last if they occur). */
  inCycle: string[];
}

export interface LayoutSizes {
  nodeWidth: number;
  nodeHeight: number;
  columnGap: number;
  rowGap: number;
}

export const DEFAULT_SIZES: LayoutSizes = { nodeWidth: 180, nodeHeight: 36, columnGap: 60, rowGap: 14 };

export function layoutGraph(nodes: GraphNodeInput[], edges: GraphEdgeInput[], sizes: LayoutSizes = DEFAULT_SIZES): GraphLayout {
  const known = new Map(nodes.map((node) => [node.id, node]));
  const usable = edges.filter((edge) => known.has(edge.from) && known.has(edge.to) && edge.from !== edge.to);
  const waitsFor = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  const unblocks = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  const pending = new Map<string, number>(nodes.map((node) => [node.id, 0]));
  for (const edge of usable) {
    waitsFor.get(edge.to)!.push(edge.from);
    unblocks.get(edge.from)!.push(edge.to);
    pending.set(edge.to, pending.get(edge.to)! + 1);
  }

  // Kahn's topological order; a task's column is one more than its furthest dependency's.
  const column = new Map<string, number>();
  const ready = nodes.filter((node) => pending.get(node.id) === 0).map((node) => node.id);
  for (const id of ready) column.set(id, 0);
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    for (const next of unblocks.get(id)!) {
      column.set(next, Math.max(column.get(next) ?? 0, column.get(id)! + 1));
      const left = pending.get(next)! - 1;
      pending.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  const lastColumn = Math.max(-1, ...column.values());
  const inCycle = nodes.filter((node) => pending.get(node.id)! > 0).map((node) => node.id);
  for (const id of inCycle) column.set(id, lastColumn + 1);

  const columns: string[][] = [];
  for (const node of nodes) (columns[column.get(node.id)!] ??= []).push(node.id);
  const row = new Map<string, number>();
  for (const ids of columns) {
    if (!ids) continue;
    const weight = (id: string): number => {
      const rows = waitsFor.get(id)!.map((dep) => row.get(dep)).filter((r): r is number => r !== undefined);
      return rows.length === 0 ? Number.POSITIVE_INFINITY : rows.reduce((sum, r) => sum + r, 0) / rows.length;
    };
    const weights = new Map(ids.map((id) => [id, weight(id)]));
    ids.sort((a, b) => {
      const wa = weights.get(a)!;
      const wb = weights.get(b)!;
      if (wa !== wb && Number.isFinite(wa) && Number.isFinite(wb)) return wa - wb;
      return known.get(a)!.index - known.get(b)!.index;
    });
    ids.forEach((id, index) => row.set(id, index));
  }

  const xOf = (c: number): number => c * (sizes.nodeWidth + sizes.columnGap);
  const yOf = (r: number): number => r * (sizes.nodeHeight + sizes.rowGap);
  const placed = nodes.map((node): PlacedNode => {
    const c = column.get(node.id)!;
    const r = row.get(node.id)!;
    return { id: node.id, column: c, row: r, x: xOf(c), y: yOf(r) };
  });
  const byId = new Map(placed.map((node) => [node.id, node]));
  const placedEdges = usable.map((edge): PlacedEdge => {
    const from = byId.get(edge.from)!;
    const to = byId.get(edge.to)!;
    return {
      from: edge.from,
      to: edge.to,
      x1: from.x + sizes.nodeWidth,
      y1: from.y + sizes.nodeHeight / 2,
      x2: to.x,
      y2: to.y + sizes.nodeHeight / 2,
    };
  });
  const columnCount = columns.length;
  const rowCount = Math.max(0, ...columns.map((ids) => ids?.length ?? 0));
  return {
    nodes: placed,
    edges: placedEdges,
    width: columnCount === 0 ? 0 : xOf(columnCount - 1) + sizes.nodeWidth,
    height: rowCount === 0 ? 0 : yOf(rowCount - 1) + sizes.nodeHeight,
    inCycle,
  };
}

/** Graph input from a compiled job (dry-run output): tasks with `uuid` and `dependencies`. */
export function graphOfCompiledTasks(tasks: { uuid: string; dependencies: string[] }[]): { nodes: GraphNodeInput[]; edges: GraphEdgeInput[] } {
  return {
    nodes: tasks.map((task, index) => ({ id: task.uuid, index })),
    edges: tasks.flatMap((task) => task.dependencies.map((dependency) => ({ from: dependency, to: task.uuid }))),
  };
}
