/**
 * `tmad lsp`: the language server, speaking LSP over stdin/stdout (vscode-languageserver).
 *
 * Takes the editor's open Markdown files under the project's rules root (unsaved text included);
 * gives the diagnostics of `tmad check` (the fast ones after each keystroke, for the versions that
 * use the edited file only; the analysis once the versions have been quiet for a while), hover,
 * definition and references across the amendment chain, completion, the outline, quick fixes for
 * mechanical hints, and the custom request `tmad/explainExample` (run the example under the cursor
 * and explain its decision).
 *
 * Settings come as initializationOptions: `rulesDir` (default "rules", relative to the workspace
 * folder), `analysis` (default true), `analysisDelayMs` (default 1500), `codeLens` (show an
 * "Explain this example" lens on each example; the client must implement the command
 * `tmad.explainExample`).
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  RequestType,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeLens,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type TextDocumentIdentifier,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { codeActions, toLspDiagnostic } from "./actions.js";
import { AnalysisScheduler } from "./analysis.js";
import { exampleBlocks, explainExampleAt, type Explanation } from "./compiler-adapter.js";
import { completion } from "./completion.js";
import { definition, hover, references } from "./navigation.js";
import { documentSymbols } from "./outline.js";
import { toSourcePosition } from "./positions.js";
import { Workspace, type VersionState } from "./workspace.js";

export interface ServerSettings {
  readonly rulesDir?: string;
  readonly analysis?: boolean;
  readonly analysisDelayMs?: number;
  readonly codeLens?: boolean;
  /** Project root, when the client gives no workspace folder. */
  readonly root?: string;
}

/** `tmad/explainExample`: the example block at a position, run and explained. */
export const EXPLAIN_EXAMPLE = "tmad/explainExample";
export interface ExplainExampleParams {
  readonly textDocument: TextDocumentIdentifier;
  readonly position: Position;
}
export type ExplainExampleResult = Explanation;
const ExplainExampleRequest = new RequestType<ExplainExampleParams, ExplainExampleResult, void>(EXPLAIN_EXAMPLE);

/** How long edits are gathered before a re-check: a burst of keystrokes is checked once. */
const RECHECK_DELAY_MS = 20;

/**
 * `tmad lsp --stdio`: the server on the process's stdin and stdout. On `exit` vscode-languageserver
 * ends the process, with 0 after `shutdown` and 1 otherwise, as LSP asks; so does the end of stdin.
 */
export function runServer(): Promise<number> {
  // stdout carries the protocol: nothing else may write there.
  console.log = console.error;
  console.info = console.error;
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  serve(connection);
  return new Promise<number>((resolve) => {
    connection.onExit(() => resolve(0));
  });
}

/**
 * Answers the client on `connection` (its handlers registered, and listening). What ends the process
 * is the connection's (runServer's ends it on `exit`); the tests run the server in their own process
 * on a connection that does not (test/lsp/client.ts).
 */
export function serve(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let ws: Workspace | undefined;
  let analysis: AnalysisScheduler | undefined;
  let settings: ServerSettings = {};
  let timer: NodeJS.Timeout | undefined;
  const published = new Map<string, string>();

  const pathOf = (uri: string): string | undefined => (uri.startsWith("file:") ? fileURLToPath(uri) : undefined);
  const uriOf = (path: string): string => pathToFileURL(path).href;
  const log = (message: string): void => connection.console.log(`tmad: ${message}`);

  /** Sends the diagnostics of every file whose list changed since it was last sent. */
  const publish = (): void => {
    if (ws === undefined) return;
    const all = ws.diagnostics();
    const files = new Set([...all.keys(), ...ws.files(), ...published.keys()]);
    for (const path of files) {
      const diagnostics = (all.get(path) ?? []).map(toLspDiagnostic);
      const key = JSON.stringify(diagnostics);
      if ((published.get(path) ?? "[]") === key) continue;
      published.set(path, key);
      void connection.sendDiagnostics({ uri: uriOf(path), diagnostics });
    }
  };

  /** Re-checks what edits made stale, now; every request calls it first so it sees the latest text. */
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (ws === undefined) return;
    const changed = ws.refresh();
    if (changed.length === 0) return;
    publish();
    if (settings.analysis !== false) analysis?.changed(changed);
  };

  const schedule = (affected: readonly VersionState[]): void => {
    if (affected.length === 0) return;
    clearTimeout(timer);
    timer = setTimeout(flush, RECHECK_DELAY_MS);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    settings = (params.initializationOptions ?? {}) as ServerSettings;
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const root = settings.root ?? (folder === undefined || folder === null ? process.cwd() : (pathOf(folder) ?? process.cwd()));
    ws = new Workspace(root, settings.rulesDir ?? "rules");
    if (settings.analysis !== false) analysis = new AnalysisScheduler(ws, { delayMs: settings.analysisDelayMs ?? 1500, onResult: publish, log });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: [".", " ", ","] },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...(settings.codeLens === true ? { codeLensProvider: { resolveProvider: false } } : {}),
      },
      serverInfo: { name: "tmad" },
    };
  });

  connection.onInitialized(() => {
    if (ws === undefined) return;
    ws.scan();
    log(`rules root ${ws.rulesRoot}: ${ws.all().length} version(s)`);
    flush();
  });

  documents.onDidChangeContent((e) => {
    const path = pathOf(e.document.uri);
    if (ws === undefined || path === undefined || !path.endsWith(".md")) return;
    schedule(ws.setBuffer(path, e.document.getText()));
  });
  documents.onDidClose((e) => {
    const path = pathOf(e.document.uri);
    if (ws === undefined || path === undefined || !ws.isOpen(path)) return;
    schedule(ws.setBuffer(path, undefined));
  });
  connection.onDidChangeWatchedFiles((e) => {
    if (ws === undefined) return;
    let any = false;
    for (const c of e.changes) {
      const path = pathOf(c.uri);
      if (path === undefined || ws.isOpen(path)) continue;
      any = ws.touch(path).length > 0 || any;
    }
    ws.scan();
    if (any || e.changes.length > 0) schedule(ws.all());
  });

  /** Runs a request on the latest text, for a file of a version; answers `empty` otherwise. */
  const on =
    <P extends { textDocument: TextDocumentIdentifier }, R>(empty: R, answer: (w: Workspace, path: string, params: P) => R) =>
    (params: P): R => {
      const path = pathOf(params.textDocument.uri);
      if (ws === undefined || path === undefined) return empty;
      flush();
      if (ws.homeOf(path) === undefined) return empty;
      return answer(ws, path, params);
    };

  connection.onHover(on(null, (w, path, p) => hover(w, path, p.position)));
  connection.onDefinition(on([], (w, path, p) => definition(w, path, p.position, uriOf)));
  connection.onReferences(on([], (w, path, p) => references(w, path, p.position, p.context.includeDeclaration, uriOf)));
  connection.onCompletion(on([], (w, path, p) => completion(w, path, p.position)));
  connection.onDocumentSymbol(on([], (w, path) => documentSymbols(w, path)));
  connection.onCodeAction(on([], (w, path, p) => codeActions(w, path, p.textDocument.uri, p.range)));
  connection.onCodeLens(
    on([] as CodeLens[], (w, path, p) => {
      const model = w.homeOf(path)?.model;
      if (model === undefined) return [];
      return exampleBlocks(model.blocks, w.project(path)).map((e) => {
        const position = { line: e.span.start.line - 1, character: 0 };
        return { range: { start: position, end: position }, command: { title: e.kind === "define" ? "Explain this installation" : "Explain this example", command: "tmad.explainExample", arguments: [p.textDocument.uri, position] } };
      });
    }),
  );
  connection.onRequest(
    ExplainExampleRequest,
    on<ExplainExampleParams, ExplainExampleResult>({ ok: false, message: "not a rule document of this project" }, (w, path, p) => {
      const model = w.homeOf(path)?.model;
      if (model === undefined) return { ok: false, message: "the version is not checked yet" };
      return explainExampleAt(model.source, w.project(path), toSourcePosition(p.position).line);
    }),
  );

  connection.onShutdown(() => {
    analysis?.stop();
    clearTimeout(timer);
  });
  documents.listen(connection);
  connection.listen();
}
