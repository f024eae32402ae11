import assert from 'node:assert/strict';

import {
  buildVariableTable,
  DEFAULT_VARIABLES,
  effectiveSubmitterPlatform,
  expandInParameters,
  expandTaskCommands,
  expandVariables,
  replaceSubmittedValuesWithVariables,
  replaceValueWithVariable,
  resolveVariables,
} from '../../src/domain/variables.ts';
import type { ConcreteAudience, SubmittedValues, VariableDefinitions, VariableTable } from '../../src/domain/variables.ts';

function table(definitions: VariableDefinitions, jobsPath = '/path/to/flamenco-storage/jobs'): VariableTable {
  return buildVariableTable(definitions, { jobsPath }).table;
}

function expand(text: string, variables: VariableTable, platform: string, managerPlatform = 'linux', audience: ConcreteAudience = 'workers'): string {
  return expandVariables(text, { table: variables, audience, platform, managerPlatform });
}

// Flamenco's api_impl test configuration. Its variables declare a "direction", which Flamenco
// 3.9 no longer reads, so all of them are one-way.
const FLAMENCO_TEST_CONFIG: VariableDefinitions = {
  blender: {
    values: [
      { audience: 'users', platform: 'linux', value: '/linux/path/to/blender' },
      { audience: 'workers', platform: 'linux', value: '/opt/myblenderbuild/blender' },
      { platform: 'windows', value: 'c:/temp/blender.exe' },
      { platform: 'darwin', value: '/opt/myblenderbuild/blender' },
    ],
  },
  ffmpeg: {
    values: [
      { platform: 'linux', value: '/usr/bin/ffmpeg' },
      { platform: 'windows', value: 'xxx' },
      { platform: 'darwin', value: 'xxx' },
    ],
  },
  render_long: {
    values: [
      { platform: 'windows', value: 's:/flamenco/render/long' },
      { platform: 'linux', value: '/shared/flamenco/render/long' },
      { platform: 'darwin', value: '/Volume/shared/flamenco/render/long' },
    ],
  },
  job_storage: {
    values: [
      { platform: 'windows', value: 's:/flamenco/jobs' },
      { platform: 'linux', value: '/shared/flamenco/jobs' },
      { platform: 'darwin', value: '/Volume/shared/flamenco/jobs' },
      { platform: 'autumn', value: 'hey' },
    ],
  },
};

function flamencoTestCommands() {
  return [
    { name: 'echo', parameters: { message: 'Running Blender from {blender} {blender}' } },
    { name: 'sleep', parameters: { '{blender}': 3 } },
    {
      name: 'blender_render',
      parameters: {
        filepath: '{job_storage}/sybren/2017-06-08-181223.625800-sybren-flamenco-test.flamenco/flamenco-test.flamenco.blend',
        exe: '{blender}',
        otherpath: '{hey}/haha',
        frames: '47',
        cycles_chunk: 1.0,
        args: ['--render-out', '{render_long}/sybren/blender-cloud-addon/flamenco-test__intermediate/render-smpl-0001-0084-frm-######'],
      },
    },
  ];
}

const SHARED: VariableDefinitions = {
  shared: {
    isTwoWay: true,
    values: [
      { value: '/shared/flamenco', platform: 'linux' },
      { value: 'Y:\\shared\\flamenco', platform: 'windows' },
    ],
  },
};

describe('variables', () => {
  describe('expanding task commands (Flamenco varrepl_test cases)', () => {
    const variables = table(FLAMENCO_TEST_CONFIG);

    it('expands for a Linux worker: single strings, arrays, repeated placeholders, but never keys', () => {
      const [echo, sleep, render] = expandTaskCommands(flamencoTestCommands(), { platform: 'linux' }, variables, 'linux');
      assert.equal(render?.parameters.exe, '/opt/myblenderbuild/blender');
      assert.deepEqual(render?.parameters.args, [
        '--render-out',
        '/shared/flamenco/render/long/sybren/blender-cloud-addon/flamenco-test__intermediate/render-smpl-0001-0084-frm-######',
      ]);
      assert.equal(echo?.parameters.message, 'Running Blender from /opt/myblenderbuild/blender /opt/myblenderbuild/blender');
      assert.deepEqual(sleep?.parameters, { '{blender}': 3 });
      assert.equal(render?.parameters.cycles_chunk, 1.0);
      assert.equal(render?.parameters.frames, '47');
    });

    it('expands commands that went through JSON the same way', () => {
      const washed = JSON.parse(JSON.stringify(flamencoTestCommands())) as ReturnType<typeof flamencoTestCommands>;
      const [, , render] = expandTaskCommands(washed, { platform: 'linux' }, variables, 'linux');
      assert.equal(
        (render?.parameters.args as string[])[1],
        '/shared/flamenco/render/long/sybren/blender-cloud-addon/flamenco-test__intermediate/render-smpl-0001-0084-frm-######',
      );
    });

    it('expands for a Windows worker, leaving unknown variables alone', () => {
      const [, , render] = expandTaskCommands(flamencoTestCommands(), { platform: 'windows' }, variables, 'linux');
      assert.equal(render?.parameters.filepath, 's:/flamenco/jobs/sybren/2017-06-08-181223.625800-sybren-flamenco-test.flamenco/flamenco-test.flamenco.blend');
      assert.deepEqual(render?.parameters.args, [
        '--render-out',
        's:/flamenco/render/long/sybren/blender-cloud-addon/flamenco-test__intermediate/render-smpl-0001-0084-frm-######',
      ]);
      assert.equal(render?.parameters.otherpath, '{hey}/haha');
    });

    it('expands for an unknown platform what it knows, and nothing else', () => {
      const [, , render] = expandTaskCommands(flamencoTestCommands(), { platform: 'autumn' }, variables, 'linux');
      assert.equal(render?.parameters.filepath, 'hey/sybren/2017-06-08-181223.625800-sybren-flamenco-test.flamenco/flamenco-test.flamenco.blend');
      assert.deepEqual(render?.parameters.args, [
        '--render-out',
        '{render_long}/sybren/blender-cloud-addon/flamenco-test__intermediate/render-smpl-0001-0084-frm-######',
      ]);
      assert.equal(render?.parameters.otherpath, '{hey}/haha');
    });

    it('does not change the commands it was given', () => {
      const commands = flamencoTestCommands();
      expandTaskCommands(commands, { platform: 'linux' }, variables, 'linux');
      assert.equal(commands[2]?.parameters.exe, '{blender}');
    });

    it('expands {jobs} to the jobs folder (with or without Shaman, whatever the caller says it is)', () => {
      for (const jobsPath of ['/path/to/flamenco-storage/jobs', '/path/to/flamenco-storage']) {
        const withJobs = table(FLAMENCO_TEST_CONFIG, jobsPath);
        assert.equal(expand('{jobs}/path/in/storage.blend', withJobs, 'linux'), `${jobsPath}/path/in/storage.blend`);
      }
    });

    it('translates paths in FFmpeg arguments for Windows, but not the slashes of a filter expression', () => {
      const project = table({
        project: {
          isTwoWay: true,
          values: [
            { value: '/projects/charge', platform: 'linux', audience: 'all' },
            { value: 'P:\\charge', platform: 'windows', audience: 'all' },
          ],
        },
      });
      const [command] = expandTaskCommands(
        [
          {
            name: 'frames-to-video',
            parameters: {
              exe: 'ffmpeg',
              fps: 24,
              inputGlob: '/projects/charge/renders/*.webp',
              outputFile: '/projects/charge/renders/video.mp4',
              args: ['-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-fake-lut', '/projects/charge/ffmpeg.lut'],
            },
          },
        ],
        { platform: 'windows' },
        project,
        'linux',
      );
      assert.deepEqual(command?.parameters, {
        exe: 'ffmpeg',
        fps: 24,
        inputGlob: 'P:\\charge\\renders\\*.webp',
        outputFile: 'P:\\charge\\renders\\video.mp4',
        args: ['-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-fake-lut', 'P:\\charge\\ffmpeg.lut'],
      });
    });
  });

  describe('two-way variables with mixed slashes and case (Flamenco variables_test cases)', () => {
    const variables = table(SHARED);

    it('replaces a value written with either slash by its variable', () => {
      assert.equal(replaceValueWithVariable('Y:\\shared\\flamenco\\shot\\file.blend', variables, 'windows'), '{shared}\\shot\\file.blend');
      assert.equal(replaceValueWithVariable('Y:/shared/flamenco/shot/file.blend', variables, 'windows'), '{shared}/shot/file.blend');
      assert.equal(replaceValueWithVariable('/shared\\flamenco\\shot\\file.blend', variables, 'linux'), '{shared}\\shot\\file.blend');
      assert.equal(replaceValueWithVariable('/shared/flamenco/shot/file.blend', variables, 'linux'), '{shared}/shot/file.blend');
    });

    it('expands to the target platform’s separators on the whole path', () => {
      assert.equal(expand('{shared}\\shot\\file.blend', variables, 'windows'), 'Y:\\shared\\flamenco\\shot\\file.blend');
      assert.equal(expand('{shared}/shot/file.blend', variables, 'windows'), 'Y:\\shared\\flamenco\\shot\\file.blend');
      assert.equal(expand('{shared}\\shot\\file.blend', variables, 'linux'), '/shared/flamenco/shot/file.blend');
      assert.equal(expand('{shared}/shot/file.blend', variables, 'linux'), '/shared/flamenco/shot/file.blend');
    });

    it('matches regardless of case, keeping the case of the rest', () => {
      assert.equal(replaceValueWithVariable('y:\\shared\\flamenco\\shot\\file.blend', variables, 'windows'), '{shared}\\shot\\file.blend');
      assert.equal(replaceValueWithVariable('Y:\\shared\\flamenco\\shot\\file.blend', variables, 'windows'), '{shared}\\shot\\file.blend');
      assert.equal(replaceValueWithVariable('Y:\\SHARED\\flamenco\\shot\\file.blend', variables, 'windows'), '{shared}\\shot\\file.blend');
      assert.equal(replaceValueWithVariable('Y:\\shared\\FLAMENCO\\SHOT\\file.blend', variables, 'windows'), '{shared}\\SHOT\\file.blend');
    });
  });

  describe('a submitted job (Flamenco TestReplaceTwoWayVariables)', () => {
    const variables = table({
      ...DEFAULT_VARIABLES,
      'locally-set-path': { values: [{ value: '/render/frames', platform: 'all', audience: 'all' }] },
      unused: { values: [{ value: 'Ignore it, it’ll be faaaain!', platform: 'all', audience: 'all' }] },
      project: { isTwoWay: true, values: [{ value: '/projects/sprite-fright', platform: 'all', audience: 'all' }] },
      render: {
        isTwoWay: true,
        values: [
          { value: '/render', platform: 'linux', audience: 'workers' },
          { value: '/Volumes/render', platform: 'darwin', audience: 'workers' },
          { value: 'R:', platform: 'windows', audience: 'workers' },
        ],
      },
    });

    it('puts two-way variables back into string settings and metadata, and nowhere else', () => {
      const submitted = {
        name: 'Ignore it, it’ll be faaaain!',
        type: 'simple-blender-render',
        settings: {
          blender_cmd: '{blender}',
          filepath: '/render/jobs/sf/scene123.blend',
          render_output_root: '/render/frames/sf/scene123',
          render_output_path: '/render/frames/sf/scene123/Substituição variável bidirecional/######',
          different_prefix_path: '/backup/render/frames/sf/scene123',
          frames: '1-10',
          chunk_size: 3,
          fps: 24,
          extract_audio: true,
          images_or_video: 'images',
          format: 'PNG',
          output_file_extension: '.png',
        },
        metadata: {
          'user.name': 'Sybren Stüvel',
          project: 'Sprite Fright',
          root: '/projects/sprite-fright',
          scene: '/projects/sprite-fright/scenes/123',
        },
      };
      const replaced = replaceSubmittedValuesWithVariables(submitted, variables, 'linux', 'linux');
      assert.deepEqual(replaced.settings, {
        blender_cmd: '{blender}',
        filepath: '{render}/jobs/sf/scene123.blend',
        render_output_root: '{render}/frames/sf/scene123',
        render_output_path: '{render}/frames/sf/scene123/Substituição variável bidirecional/######',
        different_prefix_path: '/backup/render/frames/sf/scene123',
        frames: '1-10',
        chunk_size: 3,
        fps: 24,
        extract_audio: true,
        images_or_video: 'images',
        format: 'PNG',
        output_file_extension: '.png',
      });
      assert.deepEqual(replaced.metadata, {
        'user.name': 'Sybren Stüvel',
        project: 'Sprite Fright',
        root: '{project}',
        scene: '{project}/scenes/123',
      });
      assert.equal(replaced.name, submitted.name);
      assert.equal(replaced.type, submitted.type);
      assert.equal(submitted.settings.filepath, '/render/jobs/sf/scene123.blend', 'the submission itself is untouched');
    });

    it('leaves a job without settings or metadata without them', () => {
      const bare: SubmittedValues & { name: string } = { name: 'n' };
      const replaced = replaceSubmittedValuesWithVariables(bare, variables, 'linux', 'linux');
      assert.deepEqual(replaced, { name: 'n' });
    });

    it('uses the submitter’s platform, with "manager" meaning the manager’s', () => {
      const fromWindows = replaceSubmittedValuesWithVariables({ settings: { out: 'R:\\frames\\x.png' } }, variables, 'windows', 'linux');
      assert.equal(fromWindows.settings.out, '{render}\\frames\\x.png');
      const fromManager = replaceSubmittedValuesWithVariables({ settings: { out: '/render/x.png' } }, variables, 'manager', 'linux');
      assert.equal(fromManager.settings.out, '{render}/x.png');
      assert.equal(effectiveSubmitterPlatform('manager', 'darwin'), 'darwin');
      assert.equal(effectiveSubmitterPlatform('windows', 'darwin'), 'windows');
    });

    it('expands the stored setting for each worker platform', () => {
      assert.equal(expand('{render}/frames/sf/scene123/######', variables, 'windows'), 'R:\\frames\\sf\\scene123\\######');
      assert.equal(expand('{render}/frames/sf/scene123/######', variables, 'darwin'), '/Volumes/render/frames/sf/scene123/######');
    });
  });

  describe('Tablao’s rules where Flamenco’s are loose', () => {
    it('replaces by the longest matching value, whatever the configuration order', () => {
      const variables = table({
        render: { isTwoWay: true, values: [{ platform: 'linux', value: '/mnt/render' }] },
        farm: { isTwoWay: true, values: [{ platform: 'linux', value: '/mnt/render/farm' }] },
      });
      assert.equal(replaceValueWithVariable('/mnt/render/farm/shot/x.exr', variables, 'linux'), '{farm}/shot/x.exr');
      assert.equal(replaceValueWithVariable('/mnt/render/other/x.exr', variables, 'linux'), '{render}/other/x.exr');
    });

    it('matches whole path components only', () => {
      const variables = table({ render: { isTwoWay: true, values: [{ platform: 'linux', value: '/render' }, { platform: 'windows', value: 'R:' }] } });
      assert.equal(replaceValueWithVariable('/renders/x.exr', variables, 'linux'), '/renders/x.exr');
      assert.equal(replaceValueWithVariable('/render', variables, 'linux'), '{render}');
      assert.equal(replaceValueWithVariable('R:frames', variables, 'windows'), 'R:frames');
      assert.equal(expand('/renders/x.exr', variables, 'windows'), '/renders/x.exr');
    });

    it('trims trailing separators from two-way values, except a root', () => {
      const variables = table({
        render: { isTwoWay: true, values: [{ platform: 'linux', value: '/render/' }, { platform: 'windows', value: 'R:\\' }] },
        root: { isTwoWay: true, values: [{ platform: 'darwin', value: '/' }] },
      });
      assert.equal(replaceValueWithVariable('/render/x', variables, 'linux'), '{render}/x');
      assert.equal(replaceValueWithVariable('R:\\x', variables, 'windows'), '{render}\\x');
      assert.equal(expand('{render}/x', variables, 'windows'), 'R:\\x');
      assert.equal(replaceValueWithVariable('/x', variables, 'darwin'), '{root}x');
    });

    it('ignores an empty two-way value instead of matching everything', () => {
      const variables = table({ empty: { isTwoWay: true, values: [{ platform: 'linux', value: '' }] } });
      assert.equal(replaceValueWithVariable('/anything', variables, 'linux'), '/anything');
    });

    it('translates an expanded {jobs} through a two-way variable for another platform', () => {
      const variables = table(
        { storage: { isTwoWay: true, values: [{ platform: 'linux', value: '/srv/flamenco' }, { platform: 'windows', value: 'S:\\flamenco' }] } },
        '/srv/flamenco/jobs',
      );
      assert.equal(expand('{jobs}/shot/x.blend', variables, 'windows'), 'S:\\flamenco\\jobs\\shot\\x.blend');
      assert.equal(expand('{jobs}/shot/x.blend', variables, 'linux'), '/srv/flamenco/jobs/shot/x.blend');
      assert.equal(expand('/srv/flamenco/jobs/shot/x.blend', variables, 'windows'), 'S:\\flamenco\\jobs\\shot\\x.blend');
    });

    it('puts a separator after a bare drive letter', () => {
      const variables = table({ render: { isTwoWay: true, values: [{ platform: 'linux', value: '/render' }, { platform: 'windows', value: 'R:' }] } });
      assert.equal(expand('/render/frames/x.png', variables, 'windows', 'linux'), 'R:\\frames\\x.png');
      assert.equal(expand('/render', variables, 'windows', 'linux'), 'R:\\');
    });

    it('does not translate a path twice when one platform’s value starts with another’s', () => {
      const variables = table({
        render: { isTwoWay: true, values: [{ platform: 'linux', value: '/mnt/render' }, { platform: 'darwin', value: '/mnt/render/mac' }] },
      });
      assert.equal(expand('{render}/x.exr', variables, 'darwin'), '/mnt/render/mac/x.exr');
    });

    it('does not expand placeholders inside values', () => {
      const variables = table({ a: { values: [{ platform: 'all', value: '{b}' }] }, b: { values: [{ platform: 'all', value: 'B' }] } });
      assert.equal(expand('{a} {b} {c}', variables, 'linux'), '{b} B {c}');
    });

    it('expands strings at any depth of a parameter value', () => {
      const variables = table(DEFAULT_VARIABLES);
      const target = { table: variables, audience: 'workers' as const, platform: 'windows', managerPlatform: 'linux' };
      assert.deepEqual(expandInParameters({ tools: [{ exe: '{blender}', args: ['{blenderArgs}', 7] }], n: null }, target), {
        tools: [{ exe: 'blender.exe', args: ['-b -y', 7] }],
        n: null,
      });
    });

    it('lets a value for one audience win over one for all audiences', () => {
      const variables = table({
        blender: {
          values: [
            { platform: 'linux', audience: 'workers', value: '/opt/blender' },
            { platform: 'linux', value: 'blender' },
          ],
        },
      });
      assert.equal(expand('{blender}', variables, 'linux', 'linux', 'workers'), '/opt/blender');
      assert.equal(expand('{blender}', variables, 'linux', 'linux', 'users'), 'blender');
    });
  });

  describe('resolving variables for an audience and platform', () => {
    it('prefers a platform’s own value over the one for all platforms', () => {
      const variables = table({ tool: { values: [{ platform: 'all', value: 'generic' }, { platform: 'darwin', value: 'mac' }] } });
      assert.equal(resolveVariables(variables, 'users', 'darwin').get('tool')?.value, 'mac');
      assert.equal(resolveVariables(variables, 'users', 'linux').get('tool')?.value, 'generic');
    });

    it('gives each audience its own values, and says which are two-way', () => {
      const variables = table({ ...FLAMENCO_TEST_CONFIG, ...SHARED });
      assert.equal(resolveVariables(variables, 'users', 'linux').get('blender')?.value, '/linux/path/to/blender');
      assert.equal(resolveVariables(variables, 'workers', 'linux').get('blender')?.value, '/opt/myblenderbuild/blender');
      assert.deepEqual(resolveVariables(variables, 'workers', 'linux').get('shared'), { value: '/shared/flamenco', isTwoWay: true });
      assert.deepEqual(resolveVariables(variables, 'workers', 'linux').get('jobs'), { value: '/path/to/flamenco-storage/jobs', isTwoWay: false });
    });

    it('combines `platform` and `platforms`', () => {
      const variables = table({ tool: { values: [{ platform: 'linux', platforms: ['darwin', 'freebsd'], value: '/usr/bin/tool' }] } });
      for (const platform of ['linux', 'darwin', 'freebsd']) {
        assert.equal(resolveVariables(variables, 'workers', platform).get('tool')?.value, '/usr/bin/tool');
      }
      assert.equal(resolveVariables(variables, 'workers', 'windows').get('tool'), undefined);
    });
  });

  describe('building the table', () => {
    it('defines {jobs} itself and ignores a configured one, with a warning', () => {
      const { table: variables, warnings } = buildVariableTable({ jobs: { values: [{ platform: 'all', value: '/elsewhere' }] } }, { jobsPath: '/storage/jobs' });
      assert.equal(resolveVariables(variables, 'workers', 'linux').get('jobs')?.value, '/storage/jobs');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /jobs/);
    });

    it('warns about values without platform or with an unknown audience, and skips them', () => {
      const { table: variables, warnings } = buildVariableTable(
        {
          a: { values: [{ value: 'nowhere' }] },
          b: { values: [{ platform: 'linux', audience: 'robots' as 'all', value: 'x' }] },
        },
        { jobsPath: '/j' },
      );
      assert.equal(warnings.length, 2);
      assert.equal(resolveVariables(variables, 'workers', 'linux').has('a'), false);
      assert.equal(resolveVariables(variables, 'workers', 'linux').has('b'), false);
    });

    it('warns about a Blender variable without value', () => {
      const { warnings } = buildVariableTable({ blender: { values: [{ platform: 'windows', value: '' }] } }, { jobsPath: '/j' });
      assert.deepEqual(warnings, ['variable "blender" has no value for windows; Blender cannot run there']);
    });

    it('has Flamenco’s defaults for Blender', () => {
      const variables = table(DEFAULT_VARIABLES);
      assert.equal(expand('{blender} {blenderArgs}', variables, 'windows'), 'blender.exe -b -y');
      assert.equal(expand('{blender} {blenderArgs}', variables, 'linux'), 'blender -b -y');
      assert.equal(expand('{blender} {blenderArgs}', variables, 'darwin'), 'blender -b -y');
    });
  });
});
