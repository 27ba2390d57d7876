/**
 * The vfio-lint language server (bin/vfio-lint-language-server, bundled as
 * dist/language-server.cjs): LSP over stdio by default. docs/editors.md shows
 * how editors start it.
 */
import { fileURLToPath } from 'node:url';
import { createConnection, DidChangeWatchedFilesNotification, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeParams, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FIX_ALL_KIND, Session } from './session.js';
import { parseServerArgs, SERVER_HELP } from './args.js';
import pkg from '../../package.json' with { type: 'json' };

const args = parseServerArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(SERVER_HELP);
} else if (args.kind === 'version') {
  process.stdout.write(`${pkg.version}\n`);
} else if (args.kind === 'error') {
  process.stderr.write(`vfio-lint-language-server: ${args.message}\n`);
  process.exitCode = 2;
} else {
  // vscode-languageserver picks the transport from the command line; stdio is the default here.
  if (args.transport === 'stdio' && !process.argv.includes('--stdio')) process.argv.push('--stdio');
  serve();
}

function serve(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let session: Session | undefined;
  let watchRegistration = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const roots = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (roots.length === 0 && params.rootUri) roots.push(params.rootUri);
    const options = (params.initializationOptions ?? {}) as { debounceMs?: unknown };
    const debounceMs = typeof options.debounceMs === 'number' && options.debounceMs >= 0 ? options.debounceMs : 200;
    session = new Session(connection, documents, { debounceMs, workspaceRoots: roots.flatMap((u) => (u.startsWith('file:') ? [fileURLToPath(u)] : [])) });
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND] },
      },
      serverInfo: { name: 'vfio-lint', version: pkg.version },
    };
  });

  connection.onInitialized(() => {
    // Host files and config files change outside the editor too (a `git pull`, another tool).
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/{vfio-lint.config.json,.vfio-lintrc.json}' }, { globPattern: '**/*.xml' }, { globPattern: '**/etc/**' }],
      });
    }
  });

  documents.onDidChangeContent((e) => session?.changed(e.document.uri));
  documents.onDidClose((e) => session?.closed(e.document.uri));
  connection.onDidChangeWatchedFiles(() => session?.everythingChanged());
  connection.onDidChangeConfiguration(() => session?.everythingChanged());
  connection.onCodeAction((params) => session?.codeActions(params) ?? []);
  connection.onShutdown(() => session?.dispose());

  documents.listen(connection);
  connection.listen();
}
