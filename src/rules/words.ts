/** `1`, `1 and 3`, `1, 3 and 5`; past eight ids, `… and N more`. For messages that name vCPUs. */
export function listIds(ids: readonly number[]): string {
  // Stryker disable next-line StringLiteral: at most one id, so the separator is never written
  if (ids.length <= 1) return ids.join('');
  if (ids.length > 8) return `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more`;
  return `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
}
