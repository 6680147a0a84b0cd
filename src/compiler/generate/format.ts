/**
 * TypeScript's formatter on the text of one generated module, with the settings ts-morph's
 * `SourceFile.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true })`
 * gives it in a default project, and its edits applied the way ts-morph applies them.
 *
 * Through a ts-morph project the module's text was parsed three times: into the project, again by
 * the language service's syntax tree (which formats), and a third time when ts-morph put the
 * formatted text back into the project. Here a language service of its own parses it once: the
 * same formatter (ts-morph's TypeScript) on the same text with the same settings gives the same
 * text (test/compiler/render.test.ts compares both ways; the goldens and `build --check` hold the
 * corpus's files).
 */
import { ts } from "ts-morph";

/**
 * The settings ts-morph fills in for the options above (its defaults: four-space indentation text,
 * LF), less its own ensureNewLineAtEndOfFile, which formatModule applies.
 */
const SETTINGS: ts.FormatCodeSettings = {
  convertTabsToSpaces: true,
  newLineCharacter: "\n",
  indentStyle: ts.IndentStyle.Smart,
  indentSize: 2,
  tabSize: 4,
  insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
  insertSpaceAfterCommaDelimiter: true,
  insertSpaceAfterConstructor: false,
  insertSpaceAfterSemicolonInForStatements: true,
  insertSpaceAfterKeywordsInControlFlowStatements: true,
  insertSpaceAfterOpeningAndBeforeClosingNonemptyBrackets: false,
  insertSpaceAfterOpeningAndBeforeClosingTemplateStringBraces: false,
  insertSpaceAfterOpeningAndBeforeClosingJsxExpressionBraces: false,
  insertSpaceBeforeFunctionParenthesis: false,
  insertSpaceBeforeAndAfterBinaryOperators: true,
  placeOpenBraceOnNewLineForFunctions: false,
  placeOpenBraceOnNewLineForControlBlocks: false,
};

/** The one module being formatted: the language service reads it through the host. */
let module = { name: "", text: "", version: 0 };
let service: ts.LanguageService | undefined;

function languageService(): ts.LanguageService {
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ strict: true }),
    getScriptFileNames: () => [module.name],
    getScriptVersion: () => `${module.version}`,
    getScriptSnapshot: (name) => (name === module.name ? ts.ScriptSnapshot.fromString(module.text) : undefined),
    getCurrentDirectory: () => "/",
    getDefaultLibFileName: () => "/lib.d.ts",
    fileExists: (name) => name === module.name,
    readFile: (name) => (name === module.name ? module.text : undefined),
  };
  // Formatting needs only the syntax tree: no program, no type checker, no library files.
  return ts.createLanguageService(host, undefined, ts.LanguageServiceMode.Syntactic);
}

/** The TypeScript module `text` as TypeScript's formatter lays it out (only its extension is read from its name). */
export function formatModule(text: string): string {
  const name = "/module.ts";
  module = { name, text, version: module.version + 1 };
  service ??= languageService();
  // The service keeps this module's syntax tree until the next call replaces it.
  const edits = service.getFormattingEditsForDocument(name, SETTINGS);
  // Applied in order of position (stable for edits at one place), as ts-morph does.
  const ordered = edits.map((edit, index) => ({ edit, index })).sort((a, b) => a.edit.span.start - b.edit.span.start || a.index - b.index);
  const parts: string[] = [];
  let at = 0;
  for (const { edit } of ordered) {
    parts.push(text.slice(at, edit.span.start), edit.newText);
    at = edit.span.start + edit.span.length;
  }
  parts.push(text.slice(at));
  let formatted = parts.join("");
  if (!formatted.endsWith("\n")) formatted += "\n";
  return formatted.replace(/\r?\n/g, "\n");
}
