// The system's reason for a failed file operation, in words, for the task log.

const REASONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied for the worker's user",
  EPERM: "not permitted for the worker's user",
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'something with that name exists already',
  EISDIR: 'it is a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
  EXDEV: 'they are on different file systems, and a move here only renames',
  EBUSY: 'it is in use',
  ENOTEMPTY: 'the destination folder is not empty',
};

export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason !== undefined) return `${reason} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
