import type { FileTopology } from '../topology/index.js';
export function topologySvg(machines: FileTopology[]): string {
  void machines;
  throw new Error('not yet');
}
