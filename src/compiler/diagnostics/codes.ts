/**
 * Every diagnostic code the compiler can give, kept as data. Codes are stable: a code's meaning
 * never changes once released. TMAD1xxx extract (Markdown and front matter), TMAD2xxx syntax,
 * TMAD3xxx names and structure, TMAD4xxx types, TMAD5xxx examples, TMAD6xxx analysis (witness search), TMAD7xxx review pins. docs/diagnostics.md documents each one.
 */
import type { Severity } from "./diagnostic.js";

export interface CodeInfo {
  readonly severity: Severity;
  readonly title: string;
}

export const DIAGNOSTIC_CODES = {
  // Extract
  TMAD1001: { severity: "error", title: "missing or unreadable front matter" },
  TMAD1002: { severity: "error", title: "invalid front matter field" },
  TMAD1003: { severity: "error", title: "rule outside any clause" },
  TMAD1004: { severity: "error", title: "duplicate clause number" },
  TMAD1005: { severity: "error", title: "no rule documents" },
  TMAD1006: { severity: "error", title: "invalid amendment" },
  TMAD1007: { severity: "error", title: "base version not found" },
  TMAD1008: { severity: "error", title: "circular base chain" },
  // Syntax
  TMAD2001: { severity: "error", title: "unexpected character" },
  TMAD2002: { severity: "error", title: "unterminated text literal" },
  TMAD2003: { severity: "error", title: "syntax error" },
  TMAD2004: { severity: "error", title: "invalid literal" },
  TMAD2005: { severity: "error", title: "expression nested too deeply" },
  // Names and structure
  TMAD3001: { severity: "error", title: "unknown name" },
  TMAD3002: { severity: "error", title: "unknown field" },
  TMAD3003: { severity: "error", title: "unknown enum member" },
  TMAD3004: { severity: "error", title: "unknown type" },
  TMAD3005: { severity: "error", title: "duplicate declaration" },
  TMAD3006: { severity: "error", title: "unknown clause" },
  TMAD3007: { severity: "error", title: "unknown rule in precedence" },
  TMAD3008: { severity: "error", title: "duplicate field or member" },
  TMAD3009: { severity: "error", title: "missing input or decision declaration" },
  TMAD3010: { severity: "error", title: "cycle between definitions" },
  TMAD3011: { severity: "error", title: "cycle in precedence" },
  TMAD3012: { severity: "error", title: "record contains itself" },
  TMAD3013: { severity: "warning", title: "unused declaration" },
  TMAD3014: { severity: "error", title: "name already bound" },
  TMAD3015: { severity: "error", title: "misplaced declaration" },
  TMAD3016: { severity: "error", title: "reserved name" },
  TMAD3017: { severity: "error", title: "invalid `dated by`" },
  TMAD3018: { severity: "error", title: "replacement changes the declaration's kind or type" },
  TMAD3019: { severity: "error", title: "replaces or extends nothing in the base" },
  TMAD3020: { severity: "error", title: "added field would invalidate older records" },
  // Types
  TMAD4001: { severity: "error", title: "type mismatch" },
  TMAD4002: { severity: "error", title: "optional value used without a presence check" },
  TMAD4003: { severity: "error", title: "wrong number of arguments" },
  TMAD4004: { severity: "error", title: "decision field not set" },
  TMAD4005: { severity: "error", title: "decision field set twice" },
  TMAD4006: { severity: "error", title: "parameter value is not constant" },
  TMAD4007: { severity: "error", title: "quantifier without a condition" },
  TMAD4008: { severity: "error", title: "invalid identifier pattern or check digit" },
  TMAD4009: { severity: "error", title: "ambiguous enum member" },
  TMAD4010: { severity: "error", title: "not a list" },
  TMAD4011: { severity: "error", title: "operator not defined for these types" },
  TMAD4012: { severity: "error", title: "not a record" },
  TMAD4013: { severity: "warning", title: "presence check on a value that is never absent" },
  TMAD4014: { severity: "error", title: "identifier pattern could take exponential time" },
  TMAD4015: { severity: "error", title: "division by zero in a constant" },
  // Examples beside the clauses
  TMAD5001: { severity: "error", title: "example is not valid YAML" },
  TMAD5002: { severity: "error", title: "malformed example" },
  TMAD5003: { severity: "error", title: "unknown or circular named installation" },
  TMAD5004: { severity: "error", title: "duplicate example or installation name" },
  TMAD5005: { severity: "error", title: "invalid path in `set`" },
  TMAD5006: { severity: "error", title: "replaces no named installation" },
  // Analysis: what the witness search finds (warnings; `tmad build --strict` fails on them)
  TMAD6001: { severity: "warning", title: "rules can conflict" },
  TMAD6002: { severity: "warning", title: "rule never applies" },
  TMAD6003: { severity: "warning", title: "enum member never distinguished" },
  TMAD6004: { severity: "warning", title: "rule always set aside" },
  TMAD6005: { severity: "warning", title: "suppression matches nothing" },
  // Review pins: clause texts against the rules reviewed with them
  TMAD7001: { severity: "warning", title: "clause text changed since its rules were reviewed" },
  TMAD7002: { severity: "warning", title: "rule not pinned" },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
