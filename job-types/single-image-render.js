// SPDX-License-Identifier: GPL-3.0-or-later
//
// Single Image Render: renders one frame with Cycles as a grid of tiles, one task per tile, so
// that several workers share a heavy still. A last `merge` task adds the tiles up into the
// final image.
//
// How the tiles fit together: every tile task renders the whole frame with a render region
// (border) and without cropping to it, into a 32-bit float OpenEXR file. Outside its region a
// tile's pixels are exactly zero (transparent black), and the regions cover the frame without
// overlapping, so the sum of all tiles is the full image. The merge task opens the blend file
// (for the scene's colour management), adds the tiles up and saves the result in the chosen
// format, as Blender would have saved the render.
//
// The tiles' file format is set by the Python expression rather than by --render-format: since
// Blender 5 a file format can only be chosen once the matching media type is set, which the
// expression does first (on older versions, which have no media type, it skips that step).
//
// What a tiled render cannot do: denoise (each tile would be denoised alone, which shows seams,
// so denoising is turned off unless the submission says otherwise), composite, apply the
// sequencer, or burn in metadata; these are turned off for the tiles.

/** @type {JobTypeDefinition} */
const JOB_TYPE = {
  label: 'Single Image Render',
  description: 'Renders one frame with Cycles as tiles spread over several workers, then merges them into one image',
  settings: [
    // Chosen by the artist.
    {
      key: 'frame',
      type: 'int32',
      required: true,
      eval: 'C.scene.frame_current',
      evalInfo: { showLinkButton: true, description: 'Current frame of the scene' },
      description: 'The frame to render',
    },
    {
      key: 'tile_count_x',
      type: 'int32',
      required: true,
      default: 2,
      propargs: { min: 1, max: 16 },
      description: 'Number of tile columns; every tile is rendered by its own task',
    },
    {
      key: 'tile_count_y',
      type: 'int32',
      required: true,
      default: 2,
      propargs: { min: 1, max: 16 },
      description: 'Number of tile rows; every tile is rendered by its own task',
    },
    {
      key: 'format',
      type: 'string',
      required: true,
      default: 'PNG',
      choices: ['PNG', 'JPEG', 'OPEN_EXR', 'TIFF'],
      description: 'File format of the merged image (the tiles themselves are always OpenEXR)',
    },
    {
      key: 'disable_denoising',
      type: 'bool',
      default: true,
      description: 'Turn Cycles denoising off for the tiles; a tile denoised on its own shows seams at its edges',
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
      description: 'Where the merged image is written (the tiles go to a tiles folder beside it); {timestamp} becomes the time the job was submitted',
    },

    // Filled in by the add-on from the blend file.
    { key: 'blendfile', type: 'string', required: true, visible: 'web', description: 'The blend file to render' },
    {
      key: 'scene',
      type: 'string',
      required: true,
      eval: 'C.scene.name',
      visible: 'web',
      description: 'The scene of the blend file to render',
    },
    {
      key: 'render_engine',
      type: 'string',
      eval: 'C.scene.render.engine',
      visible: 'hidden',
      description: 'Render engine of the scene; only Cycles renders tiles that add up to the full image',
    },
  ],
};

const MERGED_FORMATS = ['PNG', 'JPEG', 'OPEN_EXR', 'TIFF'];
const MAX_TILES_PER_AXIS = 16;

/** @param {Job} job */
function compileJob(job) {
  const settings = job.settings;
  const frame = checkedFrame(settings.frame);
  const columns = checkedTileCount(settings.tile_count_x, 'tile_count_x');
  const rows = checkedTileCount(settings.tile_count_y, 'tile_count_y');
  if (!MERGED_FORMATS.includes(settings.format)) {
    throw new Error(`The format "${settings.format}" is not one of ${MERGED_FORMATS.join(', ')}.`);
  }
  if (settings.render_engine && settings.render_engine !== 'CYCLES') {
    throw new Error(
      `The scene renders with ${settings.render_engine}, but tiles only add up to the full image with Cycles. ` +
        'Switch the scene to Cycles, or render it with Simple Blender Render.',
    );
  }

  const output = expandOutputPath(job);
  // Store the path actually used, so that the job shows where its image went.
  settings.render_output_path = output;

  const outputDir = path.dirname(output);
  const outputName = path.basename(output);
  const tilesDir = path.join(outputDir, 'tiles');
  const sceneArgs = settings.scene ? ['--scene', settings.scene] : [];
  print(`Frame ${frame} in ${columns} x ${rows} tiles, written to ${tilesDir}`);

  /** @type {Task[]} */
  const tileTasks = [];
  /** @type {string[]} */
  const tileOutputs = [];
  // Blender's render region runs from 0 to 1, left to right and bottom to top.
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const tileOutput = path.join(tilesDir, `tile-${column}-${row}_${outputName}`);
      const region = {
        minX: `${column}/${columns}`,
        maxX: `${column + 1}/${columns}`,
        minY: `${row}/${rows}`,
        maxY: `${row + 1}/${rows}`,
      };
      const task = author.Task(`render-tile-${column}-${row}`, 'blender');
      const args = [
        ...sceneArgs,
        '--render-output', tileOutput,
        '--python-exit-code', '1',
        '--python-expr', tilePython(region, settings.disable_denoising !== false),
        '--render-frame', String(frame),
      ];
      task.addCommand(author.Command('blender-render', blenderParameters(settings.blendfile, args), 1));
      job.addTask(task);
      tileTasks.push(task);
      tileOutputs.push(tileOutput);
    }
  }

  const merged = path.join(outputDir, outputName);
  const merge = author.Task('merge', 'blender');
  const mergeArgs = [
    ...sceneArgs,
    '--python-exit-code', '1',
    '--python-expr', mergePython(tileOutputs, merged, settings.format, frame),
  ];
  merge.addCommand(author.Command('blender-render', blenderParameters(settings.blendfile, mergeArgs)));
  for (const task of tileTasks) merge.addDependency(task);
  job.addTask(merge);
  print(`Merged image: ${merged} (${settings.format})`);
}

/**
 * @param {unknown} value
 * @returns {number}
 */
function checkedFrame(value) {
  // Blender's --render-frame reads "-N" as "N frames before the end", so negative frames cannot
  // be asked for on its command line.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`The frame setting must be a whole number of 0 or more, not ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * @param {unknown} value
 * @param {string} key
 * @returns {number}
 */
function checkedTileCount(value, key) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TILES_PER_AXIS) {
    throw new Error(`The ${key} setting must be a whole number from 1 to ${MAX_TILES_PER_AXIS}, not ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * The output path with `{timestamp}` replaced by the job's creation time. Other `{...}` fields
 * are left as they are.
 * @param {Job} job
 * @returns {string}
 */
function expandOutputPath(job) {
  const template = job.settings.render_output_path;
  if (!template) {
    throw new Error('The render_output_path setting is empty: there is nowhere to write the image.');
  }
  const timestamp = formatTimestampLocal(job.created);
  return String(template).replace(/\{([^}]+)\}/g, (field, name) => (name === 'timestamp' ? timestamp : field));
}

/**
 * @param {string} blendfile
 * @param {string[]} args
 */
function blenderParameters(blendfile, args) {
  return { exe: '{blender}', exeArgs: '{blenderArgs}', argsBefore: [], blendfile, args };
}

/**
 * Python run by Blender before it renders a tile: render only the tile's region, keep the full
 * frame size, and write linear float RGBA so that the pixels outside the region stay zero.
 * The region's edges are written as fractions (`1/3`): neighbouring tiles then get exactly the
 * same number for their shared edge, so Blender rounds it to the same pixel for both.
 * @param {{minX: string, maxX: string, minY: string, maxY: string}} region
 * @param {boolean} disableDenoising
 * @returns {string}
 */
function tilePython(region, disableDenoising) {
  const statements = [
    'import bpy',
    'scene = bpy.context.scene',
    'r = scene.render',
    'r.use_border = True',
    'r.use_crop_to_border = False',
    `r.border_min_x = ${region.minX}`,
    `r.border_max_x = ${region.maxX}`,
    `r.border_min_y = ${region.minY}`,
    `r.border_max_y = ${region.maxY}`,
    'r.use_file_extension = True',
    'r.use_overwrite = True',
    'r.use_placeholder = False',
    'r.use_compositing = False',
    'r.use_sequencer = False',
    'r.use_stamp = False',
    'r.use_multiview = False',
    // Blender 5 offers only the file formats of the image settings' media type.
    "hasattr(r.image_settings, 'media_type') and setattr(r.image_settings, 'media_type', 'IMAGE')",
    "r.image_settings.file_format = 'OPEN_EXR'",
    "r.image_settings.color_mode = 'RGBA'",
    "r.image_settings.color_depth = '32'",
    "r.image_settings.exr_codec = 'ZIP'",
  ];
  if (disableDenoising) statements.push('scene.cycles.use_denoising = False');
  return statements.join('; ');
}

/**
 * Python run by Blender (in the background, with the blend file open) to merge the tiles: find
 * each tile's file the way Blender named it, add the pixels of all tiles up, and save the sum
 * with the scene's colour management in the chosen format. Fails (exit code 1, through
 * --python-exit-code) when a tile is missing or has another size than the others.
 * @param {string[]} tileOutputs the tiles' --render-output paths
 * @param {string} merged the merged image's output path, with its # frame placeholders
 * @param {string} format
 * @param {number} frame
 * @returns {string}
 */
function mergePython(tileOutputs, merged, format, frame) {
  // A JSON string is also a valid Python string literal.
  const text = (/** @type {string} */ value) => JSON.stringify(value);
  const lines = [
    'import bpy',
    'import numpy',
    'scene = bpy.context.scene',
    'r = scene.render',
    'r.use_file_extension = True',
    'r.use_multiview = False',
    "if hasattr(r.image_settings, 'media_type'):",
    "    r.image_settings.media_type = 'IMAGE'",
    "r.image_settings.file_format = 'OPEN_EXR'",
    'tiles = []',
    `for pattern in [${tileOutputs.map(text).join(', ')}]:`,
    '    r.filepath = pattern',
    `    tiles.append(r.frame_path(frame=${frame}))`,
    'size = None',
    'total = None',
    'for tile in tiles:',
    '    image = bpy.data.images.load(tile, check_existing=False)',
    '    width, height = image.size',
    '    if width * height * 4 != len(image.pixels):',
    "        raise RuntimeError('cannot read the RGBA pixels of tile %s' % tile)",
    '    if size is None:',
    '        size = (width, height)',
    '        total = numpy.zeros(width * height * 4, dtype=numpy.float32)',
    '        pixels = numpy.empty(width * height * 4, dtype=numpy.float32)',
    '    elif (width, height) != size:',
    "        raise RuntimeError('tile %s is %dx%d pixels, the first tile %dx%d' % (tile, width, height, size[0], size[1]))",
    '    image.pixels.foreach_get(pixels)',
    '    total += pixels',
    '    bpy.data.images.remove(image)',
    "merged = bpy.data.images.new('merged', size[0], size[1], alpha=True, float_buffer=True)",
    'merged.pixels.foreach_set(total)',
    `r.filepath = ${text(merged)}`,
    `r.image_settings.file_format = ${text(format)}`,
    `output = r.frame_path(frame=${frame})`,
    'merged.save_render(output, scene=scene)',
    // Flamenco's workers watch for this line to show the image as the farm's latest render.
    `print("Saved: '%s'" % output)`,
  ];
  return lines.join('\n');
}
