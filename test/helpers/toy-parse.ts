/** The fix-loop tests' toy parse check: a file is valid when its brackets balance (the message says why not). */
export const balanced = (_: string, text: string): string | undefined => {
  let depth = 0;
  for (const c of text) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) return 'a ) closes nothing';
  }
  return depth === 0 ? undefined : 'a ( is never closed';
};
