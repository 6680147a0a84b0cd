/**
 * Where the language server benchmark (bench/lsp.ts) types: a corpus file and a line of it. Kept
 * apart so that a test can check, cheaply, that each anchor is still in its file after the rules
 * change (a lost anchor once made the whole `npm run bench` fail at this row).
 */
export interface Scenario {
  readonly name: string;
  readonly file: string;
  /** The typing happens at the end of the first line containing this. */
  readonly anchor: string;
}

export const scenarios: readonly Scenario[] = [
  { name: "20.v2 file (re-checks 1 version)", file: "rules/tmad-20.v2/04-26-partial-migration.md", anchor: "   and readyForPartialMigration" },
  { name: "19.0 file (re-checks 3 versions)", file: "rules/tmad-19.0/04-26-preparation.md", anchor: "  and failureDays(attempts) >= regimeDays" },
];
