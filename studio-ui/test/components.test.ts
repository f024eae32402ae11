// The studio's components rendered to HTML (support/render-component.ts): what they show for
// given props, without a browser.

import assert from 'node:assert/strict';
import { count, startComponentRenderer, textOf, type ComponentRenderer } from './support/render-component.ts';
import { formFields } from '../src/logic/settings-form.ts';

describe('studio components', function () {
  this.timeout(60_000);
  let renderer: ComponentRenderer;

  before(async function () {
    renderer = await startComponentRenderer();
  });

  after(async function () {
    await renderer?.close();
  });

  it('DiffView shows changed lines marked and counted, unchanged stretches folded', async function () {
    const { DiffView } = await renderer.load('/src/components/DiffView.tsx');
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const html = renderer.render(DiffView, { before, after: before.replace('line 15', 'line fifteen'), beforeLabel: 'version 1', afterLabel: 'the editor' });
    assert.equal(count(html, /class="diff-removed"/), 1);
    assert.equal(count(html, /class="diff-added"/), 1);
    assert.match(textOf(html), /− version 1 · \+ the editor · 1 removed, 1 added/);
    assert.match(textOf(html), /⋯ 12 unchanged lines/);
    assert.match(textOf(renderer.render(DiffView, { before: 'same', after: 'same', beforeLabel: 'a', afterLabel: 'b' })), /No differences\./);
  });

  it('SettingInput renders each kind of setting with its help and problem', async function () {
    const { SettingInput } = await renderer.load('/src/components/SettingInput.tsx');
    const [frames, chunk, format, previews] = formFields([
      { key: 'frames', type: 'string', required: true, description: 'Frame range' },
      { key: 'chunk_size', type: 'int32', default: 1, propargs: { min: 1, max: 100 } },
      { key: 'format', type: 'string', choices: ['PNG', 'JPEG'], default: 'PNG', visible: 'submission' },
      { key: 'has_previews', type: 'bool', default: false },
    ]);
    const text = renderer.render(SettingInput, { field: frames, value: '', problem: '"Frames" is required: fill it in', onChange: () => {} });
    assert.match(text, /class="field invalid"/);
    assert.match(textOf(text), /Frames \* .*Frame range.*"Frames" is required: fill it in/);
    const number = renderer.render(SettingInput, { field: chunk, value: '1', problem: undefined, onChange: () => {} });
    assert.match(number, /type="number"/);
    assert.match(number, /min="1"/);
    assert.match(number, /max="100"/);
    const select = renderer.render(SettingInput, { field: format, value: 'PNG', problem: undefined, onChange: () => {} });
    assert.equal(count(select, /<option/), 3, 'the choices and "(default)"');
    assert.match(textOf(select), /normally filled in by the Blender add-on/);
    assert.match(renderer.render(SettingInput, { field: previews, value: true, problem: undefined, onChange: () => {} }), /type="checkbox"/);
  });

  it('DependencyGraph draws a node per task and an arrow per dependency, and refuses huge graphs', async function () {
    const { DependencyGraph, GRAPH_LIMIT } = (await renderer.load('/src/components/DependencyGraph.tsx')) as { DependencyGraph: unknown; GRAPH_LIMIT: number };
    const tasks = [
      { id: 'a', index: 0, name: 'render 1-5', type: 'blender', status: 'completed' },
      { id: 'b', index: 1, name: 'render 6-10', type: 'blender', status: 'active' },
      { id: 'c', index: 2, name: 'make video', type: 'ffmpeg', status: 'queued' },
    ];
    const html = renderer.render(DependencyGraph, { tasks, edges: [{ from: 'a', to: 'c' }, { from: 'b', to: 'c' }] });
    assert.equal(count(html, /class="graph-node status-/), 3);
    assert.equal(count(html, /class="graph-edge"/), 2);
    assert.match(textOf(html), /make video ffmpeg · queued/);
    const many = Array.from({ length: GRAPH_LIMIT + 1 }, (_, index) => ({ id: `t${index}`, index, name: `t${index}`, type: 'misc' }));
    assert.match(textOf(renderer.render(DependencyGraph, { tasks: many, edges: [] })), /the graph is drawn for at most/);
  });

  it('CompiledTaskTable lists commands with their parameters and what each task waits for', async function () {
    const { CompiledTaskTable } = await renderer.load('/src/components/CompiledTaskTable.tsx');
    const tasks = [
      { uuid: 'u1', name: 'render', type: 'blender', priority: 50, commands: [{ name: 'blender-render', parameters: { frames: '1-10' }, totalStepCount: 10 }], dependencies: [] },
      { uuid: 'u2', name: 'video', type: 'ffmpeg', priority: 50, commands: [{ name: 'frames-to-video', parameters: { fps: 24 }, totalStepCount: 1 }], dependencies: ['u1'] },
    ];
    const text = textOf(renderer.render(CompiledTaskTable, { tasks }));
    assert.match(text, /1 render blender blender-render \{"frames":"1-10"\}/);
    assert.match(text, /2 video ffmpeg frames-to-video \{"fps":24\} #1 render/);
  });

  it('CompileLog marks warnings and says when the script printed nothing', async function () {
    const { CompileLog } = await renderer.load('/src/components/CompileLog.tsx');
    const text = textOf(renderer.render(CompileLog, { log: [{ level: 'print', message: 'frames: 10' }, { level: 'alert', message: 'no camera' }] }));
    assert.match(text, /frames: 10 ⚠ no camera/);
    assert.equal(textOf(renderer.render(CompileLog, { log: [] })), 'The script printed nothing.');
  });
});
