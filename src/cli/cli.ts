/**
 * The `tmad` command line: build, check, eval, explain. Exit codes: 0 ok, 1 findings (rule errors,
 * generated/ out of date, invalid input records), 2 usage or I/O error. Only this file decides the
 * exit code; commands return it. `runCli` runs one command line with given streams (src/cli/io.ts)
 * and returns its exit code; the program, src/cli/main.ts, runs it with the process's own.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

import { generateCommand } from "./generate.js";
import { cliIo, withCliIo, type CliIo } from "./io.js";
import { IoError, isSystemError, reasonOf } from "./io-error.js";
import { UsageError } from "./usage.js";

/** Commands load their modules on use: `eval` must not pay for the compiler (ts-morph) at start-up. */
interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  run(positionals: string[], values: Record<string, unknown>): Promise<number>;
}

/** Limits on hostile or broken input, shared by the commands that read records. */
const limitOptions = {
  "max-record-bytes": { type: "string" },
  "max-depth": { type: "string" },
} as const;

/** The per-record time budget, for the commands that evaluate through the worker pool. */
const budgetOptions = {
  "max-record-ms": { type: "string" },
} as const;

const versionOptions = {
  version: { type: "string" },
  "as-of": { type: "string" },
} as const;

const commands: Record<string, Command> = {
  build: {
    summary: "compile rule documents into generated/ evaluators",
    usage: `tmad build [rules-dir…] [--check] [--out DIR [--force]] [--strict] [--timings] [--stop-after STAGE]
  Compiles each version directory (default: every directory under rules/), type-checks the code it
  generates, and writes generated/<version>/ plus generated/index.ts, touching only files whose
  content changed.
  --check       write nothing; exit 1 when generated/ differs from what the rules produce
  --out         output folder (default: generated); it must be new, empty, or written by an
                earlier build (marked by .tmad-output.json): a build never deletes or replaces
                files it did not write
  --force       reuse an --out folder that an earlier build wrote (not needed for generated/)
  --strict      treat warnings as errors
  --timings     print each stage's time, per version (on stderr)
  --stop-after  stop after a stage: extract, parse, check, pins, generate, typecheck (nothing is
                written) or write (the default)`,
    options: { check: { type: "boolean" }, out: { type: "string" }, force: { type: "boolean" }, strict: { type: "boolean" }, timings: { type: "boolean" }, "stop-after": { type: "string" } },
    run: async (p, v) =>
      (await import("./build.js")).runBuild(p, {
        check: v.check === true,
        out: (v.out as string | undefined) ?? "generated",
        strict: v.strict === true,
        force: v.force === true || v.out === undefined,
        timings: v.timings === true,
        ...(v["stop-after"] === undefined ? {} : { stopAfter: v["stop-after"] as string }),
      }),
  },
  check: {
    summary: "report diagnostics for rule documents",
    usage: `tmad check [rules-dir…] [--format text|json] [--skip-analysis]
  Parses and type-checks each version directory (default: every directory under rules/) and prints
  every diagnostic as file:line:col - severity CODE: message. Then analyses the rules with the
  witness search: rules that can conflict, rules that never apply or are always set aside, enum
  members no rule distinguishes (warnings, each with a witness; suppress one with a reason by a
  comment \`-- allow CODE SUBJECT: reason\` in a rule block). Exit 1 when there are errors.
  --skip-analysis  only parse and type-check (fast)
  --watch          re-check on every save, printing only what changed (parse, types, pins)`,
    options: { format: { type: "string" }, "skip-analysis": { type: "boolean" }, watch: { type: "boolean" } },
    run: async (p, v) => {
      if (v.watch === true) {
        const w = await import("./watch.js");
        return w.watchLoop(p, w.checkFindings, "check");
      }
      return (await import("./build.js")).runCheck(p, { format: ((v.format as string | undefined) ?? "text") as "text" | "json", analysis: v["skip-analysis"] !== true });
    },
  },
  eval: {
    summary: "evaluate installation records (NDJSON or JSON array)",
    usage: `tmad eval <file|-> (--version V | --as-of DATE | --version V --as-of DATE) [--trace | --trace-evaluated]
          [--format ndjson|json|csv|table] [--out FILE] [--workers N] [--max-record-bytes B] [--max-depth D]
          [--max-record-ms MS] [--quiet]
  Streams NDJSON, or one JSON array (when the whole first value is an array), and writes one output
  per input record, in input order: a Decision, or an error record naming each invalid field by its
  JSON path. Memory stays flat. A record that runs a worker out of memory or over the time budget
  costs only itself (an error record); the run goes on. A summary (records = decisions + invalid,
  counts by outcome, records/s) goes to stderr. \`… | head\` ends the run quietly.
  A PENDING decision carries reviewOn: the earliest date it can change if every remaining attempt fails.
  --version           a version id (tmad-20.v2) or number (20.v2); alone, every fact counts
  --as-of             evaluate as on DATE (YYYY-MM-DD): facts dated after it are ignored (the decision
                      says how many), and without --version the designated version in force on DATE
  --trace             include each rule's evaluated conditions and the facts they read
  --trace-evaluated   a trace of what the evaluation evaluated, in order, for a trace per record kept
                      as an audit record (about 2.5× cheaper): where an earlier part of a condition
                      decided it, the later parts are not evaluated and the trace says how many
                      (\`explored\`, \`notEvaluated\`); --trace evaluates every part to show all that failed
  --out FILE          write to .FILE.tmad-tmp-PID beside FILE, renamed to FILE only when the run
                      completes; a device or pipe (e.g. /dev/null) is written in place
  --workers N         worker threads at most (default: the machine's cores; one starts, the others when
                      a second batch of about 256 KB comes; 0: this thread only, where a record over
                      the time budget is reported when it ends but cannot be stopped)
  --max-record-bytes  largest record accepted (default 1048576); larger ones are reported, not read
  --max-depth         deepest nesting accepted (default 32)
  --max-record-ms     longest one record's evaluation may take (default 5000); a record over it is
                      stopped and reported as too-slow
  --quiet             no progress line (it is shown only when stderr is a terminal anyway)`,
    options: { ...versionOptions, ...limitOptions, ...budgetOptions, trace: { type: "boolean" }, "trace-evaluated": { type: "boolean" }, format: { type: "string" }, out: { type: "string" }, workers: { type: "string" }, quiet: { type: "boolean" } },
    run: async (p, v) => (await import("./eval.js")).runEval(p, v),
  },
  pin: {
    summary: "record that each rule was reviewed against its clause's current text",
    usage: `tmad pin [rules-dir…]
  Writes pins.json beside each version's rules (default: every directory under rules/): for each
  rule, the clause it implements, that clause's text and its SHA-256. When a clause's text later
  changes, \`tmad check\` warns (TMAD7001) with the change, and \`tmad build --strict\` fails, until
  the rules are reviewed and pinned again.`,
    options: {},
    run: async (p) => (await import("./build.js")).runPin(p),
  },
  test: {
    summary: "run the examples beside the clauses and report coverage of the legal text",
    usage: `tmad test [rules-dir…] [--version V | --as-of DATE] [--format text|json]
  Compiles each version (default: every directory under rules/), runs its \`tmad-example\` blocks and
  prints, per clause, its examples and rules: whether each rule fired in some example and missed in a
  near miss, and which precedence relations an example exercised. Exit 1 when an example fails, a
  clause has no example, or a rule never fires or never misses.
  --version  test one version by id or number
  --as-of    test the designated version in force on DATE (YYYY-MM-DD)
  --watch    re-run on every save, printing only the failures that appeared or went away`,
    options: { ...versionOptions, format: { type: "string" }, watch: { type: "boolean" } },
    run: async (p, v) => {
      if (v.watch === true) {
        const w = await import("./watch.js");
        return w.watchLoop(p, w.testFindings, "test");
      }
      return (await import("./test.js")).runTest(p, v);
    },
  },
  show: {
    summary: "print a version whole, with amendments applied",
    usage: `tmad show <rules-dir>
  Prints the version as one Markdown document: its front matter, the declarations outside clauses,
  then every clause in order with its rule and example blocks, each marked with the file it comes
  from. For an amending version, the base chain's clauses are included and the amendment listed.`,
    options: {},
    run: async (p) => (await import("./test.js")).runShow(p),
  },
  diff: {
    summary: "what changed between two versions: text, rules, and decisions",
    usage: `tmad diff <A> <B> [--population FILE [--workers N]] [--ids] [--format text|json|markdown|html] [--out FILE]
  A and B are version ids (tmad-20.v1), numbers (20.v1) or rule directories. Reports:
  1. document changes: clauses added, repealed, amended (word-level text diff), renumbered;
     parameters and declarations changed;
  2. rule changes: condition widened / narrowed / changed, result or precedence changed, rules
     added or removed; drift between a clause's text and its rules;
  3. behavioural changes: per changed rule, a witness installation whose decision differs (found
     from the versions' named installations, examples and population records, as they are and
     with facts changed), or what was established and the search's bounds;
  4. with --population (read as it streams): every record under both versions, the transition
     matrix with counts, by the version's reportBy facts (e.g. cohort, Responsible Supplier), each
     flip attributed to the changed clauses; --ids lists the installations per transition; the
     records are read, decided and counted in --workers N threads (default: the machine's cores;
     0: this thread only), with the same report.
  Exit 0 only when no behaviour changed, shown from the rules' structure; 1 when it changed (with
  a witness, or "changed; no witness found" within the search's bounds); 2: error. On a terminal,
  progress goes to stderr. JSON schema: docs/diff.md.`,
    options: { ...limitOptions, population: { type: "string" }, ids: { type: "boolean" }, format: { type: "string" }, out: { type: "string" }, workers: { type: "string" } },
    run: async (p, v) => (await import("./diff.js")).runDiff(p, v),
  },
  generate: {
    ...generateCommand,
    run: async (p, v) => (await import("./generate.js")).generateCommand.run(p, v),
  },
  report: {
    summary: "what DCC sends each supplier: counts by outcome, Excluded Category and cohort, and the installations affected",
    usage: `tmad report <population|-> (--version V | --as-of DATE | both) [--out DIR [--force]] [--format markdown|csv|json]
            [--split supplier] [--workers N] [--max-record-ms MS] [--quiet]
  Evaluates the population and counts, per Responsible Supplier, the decisions by outcome × Excluded
  Category × cohort (categories in clause order, with their titles). Without --out, prints the
  population summary (--format). With --out DIR, writes:
    summary.md, summary.csv   the population: all together, and per supplier
    suppliers.csv             one line per supplier: its folder, installations, installations listed
    invalid.csv               the records that could not be evaluated, with what is wrong
    suppliers/<name>/         per supplier: summary.md, summary.csv, installations.csv (id, MPAN,
                              MPRN, cohort, GroupID, outcome, category and title, devices to
                              deregister, deciding clause, reason) and report.xlsx (both as sheets)
  The installations listed are those with an outcome not in the version's reportOmit (MIGRATE).
  DIR must be new or empty; --force reuses a folder an earlier \`tmad report\` wrote (nothing else
  is ever removed or replaced). Folder names are made from supplier names (letters, digits, -).
  Totals reconcile: records = decisions + invalid. Exit 1 when some records are invalid.`,
    options: { ...versionOptions, ...limitOptions, ...budgetOptions, split: { type: "string" }, format: { type: "string" }, out: { type: "string" }, force: { type: "boolean" }, workers: { type: "string" }, quiet: { type: "boolean" } },
    run: async (p, v) => (await import("./report.js")).runReport(p, v),
  },
  schema: {
    summary: "print a published JSON Schema: the input record of a version, the decision, trace, explanation or diff report",
    usage: `tmad schema <installation|decision|trace|explanation|diff-report> [--version V | --as-of DATE]
  Prints a JSON Schema (draft 2020-12), as shipped in the package:
    installation  the input record of a version, generated from its declarations (needs --version
                  or --as-of); check digits and calendar dates are checked by tmad, not by the schema
    decision      an output record of \`tmad eval\`: a Decision (with its trace, with --trace) or an
                  invalid record listing what is wrong
    trace         the trace of a decision
    explanation   what \`tmad explain --format json\` prints, one per record
    diff-report   what \`tmad diff --format json\` prints (tmad-diff/2; "diff" is accepted too)
  Each has a $id (urn:tmad:schema:<kind>:<version>) and an x-tmad annotation with its schema version.`,
    options: { ...versionOptions },
    run: async (p, v) => (await import("./schema.js")).runSchema(p, v),
  },
  site: {
    summary: "write the TMAD as a static web site: version pages, comparisons, a decision explorer",
    usage: `tmad site [rules-dir…] [--out DIR] [--force] [--no-comparisons] [--quiet]
  Writes a static site (no server needed: open DIR/index.html, or put DIR on any static host) for
  each version directory (default: every directory under rules/): one page per version (every
  clause with its rules, examples, coverage and precedence; clause numbers are anchors such as
  #clause-4.26A), one comparison page per consecutive pair of versions (from tmad diff), and a
  decision explorer that evaluates records in the browser. Same rules, same bytes.
  --out DIR          the site's folder (default: site); must be new or empty
  --force            reuse a folder an earlier \`tmad site\` wrote (only its files are replaced)
  --no-comparisons   skip the comparison pages (the diff's witness search is the slow part)
  --quiet            no progress lines`,
    options: { out: { type: "string" }, force: { type: "boolean" }, "no-comparisons": { type: "boolean" }, quiet: { type: "boolean" } },
    run: async (p, v) => (await import("./site.js")).runSite(p, v),
  },
  explain: {
    summary: "explain decisions for people",
    usage: `tmad explain <file|-> [--id ID] (--version V | --as-of DATE | both) [--format text|json] [--notes]
  For each record (or only the one with --id, where reading stops): a plain-English summary, the
  outcome with its labels, the deciding clause's text, the conditions and facts that made it so
  (each member of a quantified condition, e.g. each meter with its attempt counts and dates), the
  meters still being retried and when the decision can change (reviewOn), the facts left out by
  --as-of, and every part that failed in each rule that did not apply.
  --format json  the same as one Explanation object per line (schemas/explanation.schema.json)
  --notes        include the authors' notes (assumptions, precedence, near misses) with the clause`,
    options: { ...versionOptions, ...limitOptions, id: { type: "string" }, format: { type: "string" }, notes: { type: "boolean" } },
    run: async (p, v) => (await import("./explain.js")).runExplain(p, v),
  },
  lsp: {
    summary: "language server for editors (LSP over stdin/stdout)",
    usage: `tmad lsp [--stdio]
  Speaks the Language Server Protocol on stdin/stdout, for the rule documents under rules/ of the
  workspace folder: the diagnostics of \`tmad check\` as you type, hover, go to definition and
  references across the amendment chain, completion, the outline, quick fixes, and the request
  tmad/explainExample. Editors start it; see editors/vscode/ for the VS Code extension.
  --stdio  accepted for clients that pass it (stdin/stdout is the only transport)`,
    options: { stdio: { type: "boolean" }, clientProcessId: { type: "string" } },
    run: async () => (await import("../lsp/server.js")).runServer(),
  },
};

function help(): string {
  const lines = ["tmad: rules-as-code compiler and runtime for the SMETS1 TMAD", "", "Usage: tmad <command> [options]   (tmad <command> --help for details)", "", "Commands:"];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(9)} ${c.summary}`);
  return lines.join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    cliIo().stdout.write(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    cliIo().stderr.write(`tmad: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: { ...command.options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    cliIo().stderr.write(`tmad ${name}: ${(e as Error).message}\n\n${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    cliIo().stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(parsed.positionals, parsed.values as Record<string, unknown>);
  } catch (e) {
    if (e instanceof UsageError) {
      cliIo().stderr.write(`tmad ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (e instanceof IoError) {
      cliIo().stderr.write(`tmad ${name}: ${e.message}\n`);
      return 2;
    }
    // Any other failure of the file system (a missing input, a full disk): what failed, not "internal error".
    if (isSystemError(e)) {
      cliIo().stderr.write(`tmad ${name}: ${e.path === undefined ? "" : `${e.path}: `}${reasonOf(e)}${e.path === undefined ? ` (${e.syscall})` : ""}\n`);
      return 2;
    }
    if ((e as Error).name === "VersionSelectionError") {
      cliIo().stderr.write(`tmad ${name}: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Runs one command line and returns its exit code; with `io`, the command reads and writes those
 * streams instead of the process's. A failure no command expected is printed as an internal error
 * (exit 2). The command runs in this process: the working directory is the process's, and a command
 * that ends the process (Ctrl-C while writing a file) ends the caller's too.
 */
export async function runCli(argv: readonly string[], io?: CliIo): Promise<number> {
  const run = async (): Promise<number> => {
    try {
      return await main(argv);
    } catch (e) {
      cliIo().stderr.write(`tmad: internal error: ${(e as Error).stack ?? String(e)}\n`);
      return 2;
    }
  };
  return io === undefined ? run() : withCliIo(io, run);
}
