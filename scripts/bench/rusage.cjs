'use strict';
// Preloaded (node -r) into every process the benchmark times: on exit it writes the
// process's own CPU time and peak RSS to fd 3, which the runner opened as a pipe.
// It costs one small require, the same for every command compared.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  const u = process.resourceUsage();
  try {
    writeSync(3, `${JSON.stringify({ userUs: u.userCPUTime, sysUs: u.systemCPUTime, maxRssKb: u.maxRSS })}\n`);
  } catch {
    // fd 3 is not open: run outside the benchmark; nothing to report.
  }
});
