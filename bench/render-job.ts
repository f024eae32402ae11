// A Simple Blender Render job to submit over HTTP: with chunk 1, one independent `blender` task
// per frame and one `ffmpeg` task that depends on all of them.

export function renderJob(frames: string, chunk = 1) {
  return {
    name: `bench ${frames}`,
    type: 'simple-blender-render',
    priority: 50,
    submitter_platform: 'linux',
    settings: {
      frames,
      chunk_size: chunk,
      render_output_root: '/render/out',
      add_path_components: 0,
      render_output_path: '/render/out/bench/{timestamp}/######',
      blendfile: '/render/jobs/bench/scene.blend',
      fps: 24,
      format: 'PNG',
      image_file_extension: '.png',
      has_previews: false,
      scene: 'Scene',
    },
  };
}

/** Submits a job and waits until the manager has stored it. */
export async function submitJob(url: string, job: unknown): Promise<void> {
  const response = await fetch(`${url}/api/v3/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) });
  if (response.status !== 200) throw new Error(`submission failed: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}
