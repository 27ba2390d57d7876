import { readSnapshotDocument, SNAPSHOT_FILE, SnapshotError, type SnapshotDocument } from '../live/document.js';
import { defineDirectoryKind } from './define.js';

/**
 * A folder written by `vfio-lint snapshot` (docs/snapshot.md): known by its facts
 * file at the top. The whole folder is one machine: the facts feed the host
 * model's live part, and the configuration files beside them are discovered as
 * in any host tree (src/live/inputs.ts).
 */
export const snapshotKind = defineDirectoryKind<'host-snapshot', SnapshotDocument | undefined>({
  name: 'host-snapshot',
  description: `a host snapshot folder from \`vfio-lint snapshot\` (${SNAPSHOT_FILE} with /proc and /sys facts, and the host's configuration files)`,
  feeds: 'host',
  detect: (folder) => (folder.has(SNAPSHOT_FILE) ? { confidence: 1, why: `it has ${SNAPSHOT_FILE} at its top` } : undefined),
  read(folder) {
    try {
      return { facts: readSnapshotDocument(folder), files: [], problems: [] };
    } catch (err) {
      if (!(err instanceof SnapshotError)) throw err;
      return { facts: undefined, files: [], problems: [{ rel: SNAPSHOT_FILE, message: err.message }] };
    }
  },
});
