// The language server's editor loop, timed: open a domain, then change it again and again,
// and time each change from the notification sent to the diagnostics received.
//
//   node scripts/bench/lsp.mjs SPEC.json   (SPEC: { server, file, edits, debounceMs })
//
// The server runs with `debounceMs` from the spec (0 here: every millisecond measured is work,
// not waiting; an editor gets the default of 200 ms before this work starts). Each edit is a
// keystroke: one character inside a comment the file ends with, sent as an incremental change (the
// server syncs incrementally, as editors do), so every change is a full re-lint of the same document. Prints JSON: the open's time, and the median and every sample of the changes,
// in wall time and in the server's CPU time.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const text = readFileSync(spec.file, 'utf8');
const uri = pathToFileURL(spec.file).href;
const child = spawn(process.execPath, [spec.server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });

let buffer = Buffer.alloc(0);
const waiting = [];
child.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const msg = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
    buffer = buffer.subarray(end + 4 + length);
    for (let i = 0; i < waiting.length; i++) {
      if (waiting[i].test(msg)) {
        waiting.splice(i, 1)[0].resolve(msg);
        break;
      }
    }
  }
});

function send(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }));
  child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
}
const next = (test) => new Promise((resolve) => waiting.push({ test, resolve }));
const diagnosticsFor = (version) => next((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && (version === undefined || m.params.version === version));

const init = next((m) => m.id === 1);
send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: spec.debounceMs } } });
await init;
send({ method: 'initialized', params: {} });

const t0 = performance.now();
const opened = diagnosticsFor(1);
send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'xml', version: 1, text: `${text}<!-- a -->\n` } } });
const first = await opened;
const openMs = performance.now() - t0;

// Where the comment's one character is: the last line of the opened text (`<!-- a -->`), column 5.
const keyAt = { line: text.split('\n').length - 1, character: 5 };
const samples = [];
const cpuSamples = [];
for (let i = 0; i < spec.edits; i++) {
  const version = i + 2;
  const got = diagnosticsFor(version);
  const t = performance.now();
  const c = serverCpuMs();
  // A keystroke: the one character replaced, as an editor sends it to a server that syncs incrementally.
  send({ method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges: [{ range: { start: keyAt, end: { line: keyAt.line, character: keyAt.character + 1 } }, text: i % 2 ? 'a' : 'b' }] } });
  await got;
  samples.push(performance.now() - t);
  if (c !== undefined) cpuSamples.push(serverCpuMs() - c);
}
send({ id: 2, method: 'shutdown' });
await next((m) => m.id === 2);
send({ method: 'exit' });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(`${JSON.stringify({ bytes: Buffer.byteLength(text), findings: first.params.diagnostics.length, openMs, changeMs: median(samples), changeCpuMs: cpuSamples.length ? median(cpuSamples) : undefined, samples, cpuSamples })}\n`);

/**
 * The server's CPU time so far (every thread: V8's collector works on helper threads), in ms, from
 * Linux's /proc/<pid>/task/<tid>/schedstat (nanoseconds on the CPU); undefined elsewhere. A change's
 * CPU time is what the machine's load cannot inflate, unlike its wall time.
 */
function serverCpuMs() {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${child.pid}/task`)) ns += Number(readFileSync(`/proc/${child.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    return undefined;
  }
}
