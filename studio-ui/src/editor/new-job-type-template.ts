// The script a new job type starts from: small, working, and showing the parts of the API a TD
// reaches for first.

export const NEW_JOB_TYPE_TEMPLATE = `/** @type {JobTypeDefinition} */
const JOB_TYPE = {
  label: 'My Job Type',
  description: 'Echoes a message for every chunk of frames',
  settings: [
    { key: 'message', type: 'string', required: true, default: 'Hello from Tablao', description: 'What each task echoes' },
    { key: 'frames', type: 'string', required: true, default: '1-10', description: 'Frame range, e.g. 1-10,20' },
    { key: 'chunk_size', type: 'int32', default: 5, propargs: { min: 1, max: 1000 }, description: 'Frames per task' },
  ],
};

/** @param {Job} job */
function compileJob(job) {
  const settings = job.settings;
  print('frames:', frameCount(settings.frames));
  for (const chunk of frameChunker(settings.frames, settings.chunk_size)) {
    const task = author.Task(\`echo-\${chunk}\`, 'misc');
    task.addCommand(author.Command('echo', { message: \`\${settings.message}: frames \${chunk}\` }));
    job.addTask(task);
  }
}
`;
