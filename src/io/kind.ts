/** What a file system entry is, in words, for a refusal. */
interface Kinds {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

export function kindOf(st: Kinds): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** Why a path that exists is not a regular file we would read, in words; undefined for a regular file. */
export function notRegularReason(st: Kinds): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'is a directory, expected a file';
  return `is not a regular file (${kindOf(st)}); refusing to read it`;
}
