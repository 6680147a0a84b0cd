/**
 * A minimal LSP client for tests, speaking JSON-RPC with Content-Length framing, written here so the
 * tests exercise the wire protocol itself: to `tmad lsp --stdio` started from dist/ as a process
 * (`start`), or to the same server run in this process on in-memory streams (`inProcess`).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import {
  createConnection,
  ExitNotification,
  Message,
  ProposedFeatures,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
  type MessageReader,
} from "vscode-languageserver/node";

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

  /** `fromServer`: what the server writes; `toServer`: what it reads; `exited`: its exit code, once it has ended. */
  private constructor(
    fromServer: Readable,
    private readonly toServer: Writable,
    private readonly exited: Promise<number | null>,
  ) {
    fromServer.on("data", (chunk: Buffer) => this.receive(chunk));
  }

  /** Starts `tmad lsp` (or, with `server`, another command line run with node, e.g. the bundled server). */
  static async start(root: string, initializationOptions: Record<string, unknown> = {}, server: readonly string[] = [cli, "lsp"]): Promise<LspClient> {
    const child = spawn(process.execPath, [...server, "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child.stdout, child.stdin, new Promise((r) => child.once("exit", (code) => r(code))));
    child.stderr.on("data", (chunk: Buffer) => (client.stderr += chunk.toString()));
    return client.initialize(root, initializationOptions, process.pid);
  }

  /**
   * The same server (src/lsp/server.ts, `serve`) run in this process: the same bytes, on in-memory
   * streams instead of stdio, without the process's start (loading the compiler, ~2 CPU-seconds).
   * Nothing on this connection ends the process (the test's, vitest's worker): the reader answers
   * `exit` itself (InProcessReader); the reader is a message reader, not a stream, so the library
   * does not exit when the stream ends; and `initialize` names no client process, so the library's
   * watchdog does not poll one to exit when it is gone. The file's tests call forbidProcessExit too.
   */
  static async inProcess(root: string, initializationOptions: Record<string, unknown> = {}): Promise<LspClient> {
    const { serve } = await import("../../src/lsp/server.js");
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    const reader = new InProcessReader(new StreamMessageReader(toServer));
    const connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(fromServer));
    const exited = reader.exited.then((code) => {
      connection.dispose();
      toServer.end();
      fromServer.end();
      return code;
    });
    serve(connection);
    return new LspClient(fromServer, toServer, exited).initialize(root, initializationOptions, null);
  }

  private async initialize(root: string, initializationOptions: Record<string, unknown>, processId: number | null): Promise<LspClient> {
    await this.request("initialize", { processId, rootUri: uri(root), workspaceFolders: [{ uri: uri(root), name: "test" }], capabilities: {}, initializationOptions });
    this.notify("initialized", {});
    return this;
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
    this.toServer.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
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

  /** `shutdown`, then `exit`: the server's exit code (in process: the one the process would have ended with). */
  async stop(): Promise<number | null> {
    await this.request("shutdown", null);
    this.notify("exit", null);
    return this.exited;
  }
}

/**
 * The messages of an in-process server's client, but `exit`, which it answers itself. On `exit`
 * vscode-languageserver ends the process (its watchdog calls process.exit), which in vitest's worker
 * throws or ends the worker; so `exit` never reaches the server: `exited` gives the code the process
 * would end with, as the library decides it (0 when `shutdown` came first, 1 otherwise), and the
 * connection is disposed by whoever awaits it. Messages are handled in the order they are read, so a
 * `shutdown` read before `exit` has been answered before it.
 */
class InProcessReader implements MessageReader {
  private shutdown = false;
  private exit: (code: number) => void = () => undefined;
  readonly exited = new Promise<number>((resolve) => (this.exit = resolve));

  constructor(private readonly messages: MessageReader) {}

  get onError(): MessageReader["onError"] {
    return this.messages.onError;
  }
  get onClose(): MessageReader["onClose"] {
    return this.messages.onClose;
  }
  get onPartialMessage(): MessageReader["onPartialMessage"] {
    return this.messages.onPartialMessage;
  }

  listen(callback: DataCallback): Disposable {
    return this.messages.listen((message) => {
      if (Message.isNotification(message) && message.method === ExitNotification.method) return this.exit(this.shutdown ? 0 : 1);
      if (Message.isRequest(message) && message.method === ShutdownRequest.method) this.shutdown = true;
      callback(message);
    });
  }

  dispose(): void {
    this.messages.dispose();
  }
}

/**
 * For a test file that runs servers in its process: while it runs, process.exit throws instead of
 * ending vitest's worker, and the test during which it was called fails (also when the call was
 * made, and its error caught, inside the server); process.exit is restored after the file. vitest's
 * own guard is not enough: it makes process.exit throw in a worker's first file only, and with
 * `isolate: false` the files after it get the real one back (a lost worker, "Worker exited unexpectedly").
 */
export function forbidProcessExit(): void {
  const calls: string[] = [];
  let exit: typeof process.exit | undefined;
  beforeAll(() => {
    exit = process.exit;
    process.exit = ((code?: number | string | null) => {
      const call = `process.exit(${String(code)})`;
      calls.push(`${call}\n${new Error().stack ?? ""}`);
      throw new Error(`${call} called while a language server runs in the test's process`);
    }) as typeof process.exit;
  });
  afterEach(() => {
    expect(calls.splice(0), "calls of process.exit").toEqual([]);
  });
  afterAll(() => {
    if (exit !== undefined) process.exit = exit;
    expect(calls, "calls of process.exit").toEqual([]);
  });
}
