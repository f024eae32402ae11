// SPDX-License-Identifier: GPL-3.0-or-later
//
// Simple Blender Render: renders a frame range with Blender in chunks of frames, one task per
// chunk, then encodes the frames into a preview video with FFmpeg once every chunk is done.
//
// Tablao's own implementation of Flamenco 3's job type of the same name. The settings (keys,
// types, defaults, `eval` expressions, visibility) and the tasks it produces are the same as
// Flamenco's, so the Flamenco Blender add-on and existing workers work with it unchanged.

/** @type {JobTypeDefinition} */
const JOB_TYPE = {
  label: 'Simple Blender Render',
  description: 'Renders a range of frames with Blender, then makes a preview video of them',
  settings: [
    // Chosen by the artist.
    {
      key: 'frames',
      type: 'string',
      required: true,
      eval: "f'{C.scene.frame_start}-{C.scene.frame_end}'",
      evalInfo: { showLinkButton: true, description: 'Frame range of the scene' },
      description: "Frames to render, e.g. '12', '1-240' or '1-10, 15, 20-30'",
    },
    {
      key: 'chunk_size',
      type: 'int32',
      default: 1,
      visible: 'submission',
      description: 'How many frames one render task renders',
    },

    // The add-on combines these two into render_output_path.
    {
      key: 'render_output_root',
      type: 'string',
      subtype: 'dir_path',
      required: true,
      visible: 'submission',
      description: 'Folder under which the job gets its own output folder',
    },
    {
      key: 'add_path_components',
      type: 'int32',
      required: true,
      default: 0,
      propargs: { min: 0, max: 32 },
      visible: 'submission',
      description: "How many of the blend file's parent folder names to repeat under the output root",
    },
    {
      key: 'render_output_path',
      type: 'string',
      subtype: 'file_path',
      editable: false,
      eval: "str(Path(abspath(settings.render_output_root), last_n_dir_parts(settings.add_path_components), jobname, '{timestamp}', '######'))",
      description: 'Where the frames are written; {timestamp} becomes the time the job was submitted',
    },

    // Filled in by the add-on from the blend file.
    { key: 'blendfile', type: 'string', required: true, visible: 'web', description: 'The blend file to render' },
    { key: 'fps', type: 'float', eval: 'C.scene.render.fps / C.scene.render.fps_base', visible: 'hidden' },
    { key: 'format', type: 'string', required: true, eval: 'C.scene.render.image_settings.file_format', visible: 'web' },
    {
      key: 'image_file_extension',
      type: 'string',
      required: true,
      eval: 'C.scene.render.file_extension',
      visible: 'hidden',
      description: 'Extension of the rendered image files, with its dot',
    },
    {
      key: 'has_previews',
      type: 'bool',
      required: false,
      eval: 'C.scene.render.image_settings.use_preview',
      visible: 'hidden',
      description: 'Whether Blender also writes a JPEG preview of every frame',
    },
    {
      key: 'scene',
      type: 'string',
      required: true,
      eval: 'C.scene.name',
      visible: 'web',
      description: 'The scene of the blend file to render',
    },
  ],
};

// Values of `file_format` that write a movie file instead of frames: not for this job type.
const MOVIE_FORMATS = ['FFMPEG', 'AVI_RAW', 'AVI_JPEG'];

// Values of `file_format` (older command-line names and the current ones) whose files FFmpeg
// cannot read. The video is then made from Blender's JPEG previews, if there are any.
const FORMATS_FFMPEG_CANNOT_READ = ['EXR', 'MULTILAYER', 'OPEN_EXR', 'OPEN_EXR_MULTILAYER'];

// Run by Blender before rendering: let the format decide the extension, and never overwrite or
// reserve frames, so that a re-queued task skips the frames that are already on disk.
const RENDER_SETTINGS_PYTHON = [
  'import bpy',
  'r = bpy.context.scene.render',
  'r.use_file_extension = True',
  'r.use_overwrite = False',
  'r.use_placeholder = False',
].join('; ');

// Arguments of FFmpeg after its input; `-r` and the frame rate are added after these.
const VIDEO_ENCODING_ARGS = [
  '-c:v', 'h264',
  '-crf', '20',
  '-g', '18',
  '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', // H.264 wants even dimensions.
  '-pix_fmt', 'yuv420p',
];

/** @param {Job} job */
function compileJob(job) {
  const settings = job.settings;
  if (MOVIE_FORMATS.includes(settings.format)) {
    throw new Error(
      `The output format "${settings.format}" writes a video file, but Simple Blender Render only renders image files. ` +
        'Choose an image format (PNG, OpenEXR, ...) in the output properties.',
    );
  }

  const renderOutput = expandOutputPath(job);
  // Store the path actually used, so that the job shows where its frames went.
  settings.render_output_path = renderOutput;
  print(`Render output: ${renderOutput}`);

  const renderDir = path.dirname(renderOutput);
  const renderTasks = renderTasksFor(settings, renderDir, renderOutput);
  for (const task of renderTasks) job.addTask(task);

  const video = previewVideoTask(settings, renderDir);
  if (video) {
    for (const task of renderTasks) video.addDependency(task);
    job.addTask(video);
  }
}

/**
 * The render output path with `{timestamp}` replaced by the job's creation time. Other `{...}`
 * fields are left as they are.
 * @param {Job} job
 * @returns {string}
 */
function expandOutputPath(job) {
  const template = job.settings.render_output_path;
  if (!template) {
    throw new Error('The render_output_path setting is empty: there is nowhere to write the frames.');
  }
  const timestamp = formatTimestampLocal(job.created);
  return String(template).replace(/\{([^}]+)\}/g, (field, name) => (name === 'timestamp' ? timestamp : field));
}

/**
 * One `blender` task per chunk of frames.
 * @param {JobSettings} settings
 * @param {string} renderDir
 * @param {string} renderOutput
 * @returns {Task[]}
 */
function renderTasksFor(settings, renderDir, renderOutput) {
  const chunks = frameChunker(settings.frames, settings.chunk_size);
  print(`Frames ${settings.frames}, ${settings.chunk_size} per task: ${chunks.length} render task${chunks.length === 1 ? '' : 's'}`);

  const sceneArgs = settings.scene ? ['--scene', settings.scene] : [];
  const outputArg = path.join(renderDir, path.basename(renderOutput));

  return chunks.map((chunk) => {
    const task = author.Task(`render-${chunk}`, 'blender');
    const args = [
      ...sceneArgs,
      '--python-expr', RENDER_SETTINGS_PYTHON,
      '--render-output', outputArg,
      '--render-format', settings.format,
      // Blender writes frame ranges as A..B.
      '--render-frame', chunk.replaceAll('-', '..'),
    ];
    const parameters = {
      exe: '{blender}',
      exeArgs: '{blenderArgs}',
      argsBefore: [],
      blendfile: settings.blendfile,
      args,
    };
    task.addCommand(author.Command('blender-render', parameters, frameCount(chunk)));
    return task;
  });
}

/**
 * The `ffmpeg` task that turns the frames into an MP4 file, or null when that is not possible.
 * @param {JobSettings} settings
 * @param {string} renderDir
 * @returns {Task | null}
 */
function previewVideoTask(settings, renderDir) {
  const fromPreviews = FORMATS_FFMPEG_CANNOT_READ.includes(settings.format);
  if (fromPreviews && !settings.has_previews) {
    print(`No preview video: FFmpeg cannot read ${settings.format} files, and Blender writes no JPEG previews`);
    return null;
  }
  if (!settings.fps) {
    print('No preview video: the frame rate (fps setting) is unknown');
    return null;
  }

  // Name the video after the frame range; a list of ranges is shortened to first-last.
  let frames = String(settings.frames);
  if (frames.includes(',')) {
    const singles = frameChunker(settings.frames, 1);
    frames = `${singles[0]}-${singles[singles.length - 1]}`;
  }
  const blendName = path.stem(settings.blendfile).replace('.flamenco', '');
  const outputFile = path.join(renderDir, `${blendName}-${frames}.mp4`);
  const extension = fromPreviews ? '.jpg' : settings.image_file_extension;

  const task = author.Task('preview-video', 'ffmpeg');
  task.addCommand(
    author.Command('frames-to-video', {
      exe: 'ffmpeg',
      fps: settings.fps,
      inputGlob: path.join(renderDir, `*${extension}`),
      outputFile,
      args: [...VIDEO_ENCODING_ARGS, '-r', settings.fps, '-y'],
    }),
  );
  print(`Preview video: ${outputFile}`);
  return task;
}
