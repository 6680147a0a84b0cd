/**
 * The VS Code extension: starts the tmad language server (the one bundled beside this file, or
 * `<tmad.server.path> lsp`), for the Markdown files of the workspace's rules directory, and adds
 * the command "Explain this example", which asks the server (request `tmad/explainExample`) to run
 * the example under the cursor and shows the explanation in a read-only document beside it.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

type Explanation =
  | { ok: true; version: string; kind: "example" | "define"; name: string; passed?: boolean; problems: string[]; text: string }
  | { ok: false; message: string };

const SCHEME = "tmad-explanation";
let client: LanguageClient | undefined;

function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const configured = vscode.workspace.getConfiguration("tmad").get<string>("server.path", "").trim();
  if (configured !== "") {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const cli = path.isAbsolute(configured) ? configured : path.join(folder, configured);
    // A .js file is run with the extension host's Node.js; anything else is executed as is.
    return cli.endsWith(".js") ? { module: cli, args: ["lsp"], transport: TransportKind.stdio } : { command: cli, args: ["lsp"], transport: TransportKind.stdio };
  }
  return { module: context.asAbsolutePath(path.join("dist", "server.mjs")), transport: TransportKind.stdio };
}

function clientOptions(): LanguageClientOptions {
  const config = vscode.workspace.getConfiguration("tmad");
  const rulesDir = config.get<string>("rulesDir", "rules");
  return {
    documentSelector: [{ scheme: "file", language: "markdown", pattern: `**/${rulesDir}/**/*.md` }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher(`**/${rulesDir}/**/{*.md,pins.json}`) },
    initializationOptions: {
      rulesDir,
      analysis: config.get<boolean>("analysis.enabled", true),
      analysisDelayMs: config.get<number>("analysis.delayMs", 1500),
      codeLens: true,
    },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient("tmad", "tmad language server", serverOptions(context), clientOptions());
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const explanations = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => explanations.get(uri.toString()) ?? "" }),
    vscode.commands.registerCommand("tmad.explainExample", async (uri?: string, position?: { line: number; character: number }) => {
      const editor = vscode.window.activeTextEditor;
      const target = uri ?? editor?.document.uri.toString();
      const at = position ?? (editor === undefined ? undefined : { line: editor.selection.active.line, character: editor.selection.active.character });
      if (client === undefined || target === undefined || at === undefined) {
        void vscode.window.showWarningMessage("tmad: put the cursor in a tmad-example block of a rule document");
        return;
      }
      const result = await client.sendRequest<Explanation>("tmad/explainExample", { textDocument: { uri: target }, position: at });
      if (!result.ok) {
        void vscode.window.showWarningMessage(`tmad: ${result.message}`);
        return;
      }
      const verdict = result.passed === undefined ? "" : result.passed ? "the example passes" : `the example FAILS: ${result.problems.join("; ")}`;
      const text = [`${result.kind === "define" ? "Installation" : "Example"} "${result.name}" under ${result.version}${verdict === "" ? "" : `: ${verdict}`}`, "", result.text, ""].join("\n");
      const doc = vscode.Uri.from({ scheme: SCHEME, path: `/${result.version}/${result.name.replace(/[^\w.-]+/g, "-")}.txt` });
      explanations.set(doc.toString(), text);
      changed.fire(doc);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    }),
    vscode.commands.registerCommand("tmad.restartServer", async () => {
      await client?.stop();
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
