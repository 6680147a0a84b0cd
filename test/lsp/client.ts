/**
 * A minimal LSP client for tests: spawns `tmad lsp` from dist/ and speaks JSON-RPC over its stdio
 * with Content-Length framing, written here so the tests exercise the wire protocol itself.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const repo = resolve(import.meta.dirname, "../..");
const cli = join(repo, "dist/src/cli/main.js");

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  source: string;
  message: string;
}

/** A fresh copy of the corpus rules in a temporary project root. */
export function corpusCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "tmad-lsp-"));
  cpSync(join(repo, "rules"), join(root, "rules"), { recursive: true });
  return root;
}

export const uri = (path: string): string => pathToFileURL(path).href;

export class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly diagnostics = new Map<string, LspDiagnostic[]>();
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();
  stderr = "";

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** Starts `tmad lsp` (or, with `server`, another command line run with node, e.g. the bundled server). */
  static async start(root: string, initializationOptions: Record<string, unknown> = {}, server: readonly string[] = [cli, "lsp"]): Promise<LspClient> {
    const child = spawn(process.execPath, [...server, "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child);
    await client.request("initialize", { processId: process.pid, rootUri: uri(root), workspaceFolders: [{ uri: uri(root), name: "test" }], capabilities: {}, initializationOptions });
    client.notify("initialized", {});
    return client;
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf("\r\n\r\n");
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, header).toString())?.[1]);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString("utf8")) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };
      this.buffer = this.buffer.subarray(header + 4 + length);
      this.handle(message);
    }
  }

  private handle(m: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } }): void {
    if (m.method === undefined && m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
      return;
    }
    if (m.method === "textDocument/publishDiagnostics") {
      const params = m.params as { uri: string; diagnostics: LspDiagnostic[] };
      this.diagnostics.set(params.uri, params.diagnostics);
      for (const w of this.waiters.splice(0)) w();
      return;
    }
    // Requests from the server (capability registration, progress…): accept them.
    if (m.method !== undefined && m.id !== undefined) this.send({ jsonrpc: "2.0", id: m.id, result: null });
  }

  private send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.send({ jsonrpc: "2.0", id, method, params });
    return answer;
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  open(path: string, text = readFileSync(path, "utf8")): void {
    this.versions.set(path, 1);
    this.notify("textDocument/didOpen", { textDocument: { uri: uri(path), languageId: "markdown", version: 1, text } });
  }

  /** Replaces a document's whole text, as a client may. */
  change(path: string, text: string): void {
    const version = (this.versions.get(path) ?? 1) + 1;
    this.versions.set(path, version);
    this.notify("textDocument/didChange", { textDocument: { uri: uri(path), version }, contentChanges: [{ text }] });
  }

  /** An incremental change: replaces a range (0-based) with `text`. */
  edit(path: string, range: LspDiagnostic["range"], text: string): void {
    const version = (this.versions.get(path) ?? 1) + 1;
    this.versions.set(path, version);
    this.notify("textDocument/didChange", { textDocument: { uri: uri(path), version }, contentChanges: [{ range, text }] });
  }

  /** Waits until the diagnostics of `path` satisfy `ok`. */
  async diagnosticsFor(path: string, ok: (d: LspDiagnostic[]) => boolean, timeoutMs = 30_000): Promise<LspDiagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.diagnostics.get(uri(path)) ?? [];
      if (ok(current)) return current;
      if (Date.now() > deadline) throw new Error(`diagnostics of ${path} never matched; last: ${JSON.stringify(current)}\nserver stderr:\n${this.stderr}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => this.child.once("exit", (code) => r(code)));
    await this.request("shutdown", null);
    this.notify("exit", null);
    return exited;
  }
}
