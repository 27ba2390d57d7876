export type ServerArgs =
  | { kind: 'serve'; transport: 'stdio' | 'other' }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

export const SERVER_HELP = `Usage: vfio-lint-language-server [--stdio]

The vfio-lint language server: diagnostics for libvirt domain XML and host
configuration files as you type, and quick fixes. Editors start it and talk
LSP to it over standard input and output (the default); see docs/editors.md.

  --stdio               talk over stdin/stdout (the default)
  --node-ipc            talk over Node's IPC channel
  --socket=PORT         connect to a socket
  --pipe=NAME           connect to a named pipe
  --clientProcessId=N   exit when process N exits
  -v, --version         print the version
  -h, --help            print this help
`;

/** The server's command line; transports other than stdio are vscode-languageserver's own flags. */
export function parseServerArgs(argv: readonly string[]): ServerArgs {
  let transport: 'stdio' | 'other' = 'stdio';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.split('=')[0]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '-v' || arg === '--version') return { kind: 'version' };
    if (arg === '--stdio') continue;
    if (arg === '--node-ipc') {
      transport = 'other';
      continue;
    }
    if (name === '--socket' || name === '--pipe' || name === '--clientProcessId') {
      if (arg === name) {
        if (argv[i + 1] === undefined) return { kind: 'error', message: `${name} needs a value` };
        i++;
      }
      if (name !== '--clientProcessId') transport = 'other';
      continue;
    }
    return { kind: 'error', message: `unknown argument "${arg}" (see --help)` };
  }
  return { kind: 'serve', transport };
}
