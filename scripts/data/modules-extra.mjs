// Checks the hand-kept data/modules-extra.json against the generated module dictionary, so a kernel
// that gains a module of the same name, or brings back an obsolete one, stops the regeneration.
export function checkModulesExtra(extra, modules, releases) {
  const problems = [];
  for (const name of Object.keys(extra.outOfTree)) {
    if (modules[name]) problems.push(`out-of-tree module ${name} is a module of the kernel too (${modules[name].dir ?? 'built in'})`);
  }
  for (const name of Object.keys(extra.obsolete)) {
    const m = modules[name];
    // Kernels are listed newest first: an obsolete module must be missing from index 0.
    if (m && !(m.in && !m.in.includes(0))) problems.push(`obsolete module ${name} is still in ${releases[0]}`);
  }
  for (const name of Object.keys(extra.notBuilt ?? {})) {
    if (modules[name]) problems.push(`not-built module ${name} is built by ${releases.join(', ')} now: drop it from notBuilt`);
  }
  return problems;
}
