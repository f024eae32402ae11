import assert from 'node:assert/strict';
import { graphOfCompiledTasks, layoutGraph } from '../src/logic/graph-layout.ts';

describe('studio: dependency graph layout', () => {
  it('puts each task one column right of its last dependency', () => {
    // render-1, render-2 → video; video → publish; render-2 also → publish
    const graph = graphOfCompiledTasks([
      { uuid: 'render-1', dependencies: [] },
      { uuid: 'render-2', dependencies: [] },
      { uuid: 'video', dependencies: ['render-1', 'render-2'] },
      { uuid: 'publish', dependencies: ['video', 'render-2'] },
    ]);
    const layout = layoutGraph(graph.nodes, graph.edges);
    const column = Object.fromEntries(layout.nodes.map((n) => [n.id, n.column]));
    assert.deepEqual(column, { 'render-1': 0, 'render-2': 0, video: 1, publish: 2 });
    assert.equal(layout.edges.length, 4);
    for (const edge of layout.edges) assert.ok(edge.x1 < edge.x2, `${edge.from} → ${edge.to} points right`);
    assert.deepEqual(layout.inCycle, []);
  });

  it('never places two tasks on one spot, and keeps job order among independent tasks', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, index: i }));
    const layout = layoutGraph(nodes, []);
    const spots = new Set(layout.nodes.map((n) => `${n.x},${n.y}`));
    assert.equal(spots.size, 30);
    assert.deepEqual(layout.nodes.map((n) => n.row), nodes.map((_, i) => i));
    assert.ok(layout.height >= layout.nodes.at(-1)!.y);
  });

  it('orders a column by where the dependencies are, to cross fewer edges', () => {
    const nodes = [{ id: 'a', index: 0 }, { id: 'b', index: 1 }, { id: 'after-b', index: 2 }, { id: 'after-a', index: 3 }];
    const edges = [{ from: 'b', to: 'after-b' }, { from: 'a', to: 'after-a' }];
    const layout = layoutGraph(nodes, edges);
    const row = Object.fromEntries(layout.nodes.map((n) => [n.id, n.row]));
    assert.ok(row['after-a']! < row['after-b']!);
  });

  it('survives a cycle and edges to unknown tasks', () => {
    const layout = layoutGraph([{ id: 'x', index: 0 }, { id: 'y', index: 1 }, { id: 'z', index: 2 }], [
      { from: 'x', to: 'y' }, { from: 'y', to: 'x' }, { from: 'ghost', to: 'z' },
    ]);
    assert.deepEqual(layout.inCycle.sort(), ['x', 'y']);
    assert.equal(layout.edges.length, 2);
  });
});
