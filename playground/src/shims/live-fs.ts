// The playground bundle's src/live/fs.ts. The kinds registry includes the snapshot folder kind, whose
// reader opens files; the page never hands it a folder, so a read here says why it cannot happen
// rather than touching a file system the browser does not have.
import type { Bytes } from '../../../src/live/fs.js';

export function readBytes(path: string): Bytes {
  return { ok: false, reason: 'failed', detail: `${path}: the playground reads no files from disk` };
}
