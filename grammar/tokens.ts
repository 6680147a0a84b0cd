/**
 * Tokens of the tmad rule language (see grammar/README.md, "Lexical structure").
 * Syntax only: no token carries meaning beyond its shape.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

/**
 * Names in field positions (a field declared in a record, or read after `.`) may also be a
 * keyword that cannot start a declaration, so facts like `source` or `count` stay usable.
 */
export const FieldName = createToken({ name: "FieldName", pattern: Lexer.NA });

/** Names of declarations, variables and definitions. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [FieldName] });

const declarationKeywords: TokenType[] = [];
const softKeywords: TokenType[] = [];

function keyword(word: string, startsDeclaration = false): TokenType {
  const token = createToken({
    name: word[0].toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: startsDeclaration ? [] : [FieldName],
  });
  (startsDeclaration ? declarationKeywords : softKeywords).push(token);
  return token;
}

// Declarations (README: "Declarations").
export const Enum = keyword("enum", true);
export const Record = keyword("record", true);
export const IdentifierKw = createToken({ name: "IdentifierKw", pattern: /identifier/, longer_alt: Identifier });
declarationKeywords.push(IdentifierKw);
export const Input = keyword("input", true);
export const Decision = keyword("decision", true);
export const Parameter = keyword("parameter", true);
export const Definition = keyword("definition", true);
export const Rule = keyword("rule", true);
export const Default = keyword("default", true);

// Words inside declarations (README: "Identifier types", "Rules").
export const Pattern = keyword("pattern");
export const Checkdigit = keyword("checkdigit");
export const Weights = keyword("weights");
export const Mod = keyword("mod");
export const Identified = keyword("identified");
export const By = keyword("by");
export const Clause = keyword("clause");
export const Source = keyword("source");
export const When = keyword("when");
export const Then = keyword("then");
export const Unless = keyword("unless");
export const Overrides = keyword("overrides");
export const Optional = keyword("optional");
export const List = keyword("list");
export const Of = keyword("of");
export const Dated = keyword("dated");

// Expressions (README: "Expressions").
export const And = keyword("and");
export const Or = keyword("or");
export const Not = keyword("not");
export const In = keyword("in");
export const Is = keyword("is");
export const Present = keyword("present");
export const Absent = keyword("absent");
export const Otherwise = keyword("otherwise");
export const If = keyword("if");
export const Else = keyword("else");
export const Some = keyword("some");
export const Every = keyword("every");
export const No = keyword("no");
export const Count = keyword("count");
export const Where = keyword("where");
export const Satisfies = keyword("satisfies");
export const Min = keyword("min");
export const Max = keyword("max");
export const Sum = keyword("sum");
export const Collect = keyword("collect");
export const For = keyword("for");
export const Days = keyword("days");
export const Between = keyword("between");
export const True = keyword("true");
export const False = keyword("false");

// Literals (README: "Literals"). Longest shapes first: a date is not an integer followed by `-`.
export const DateTimeLiteral = createToken({ name: "DateTimeLiteral", pattern: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})/ });
export const DateLiteral = createToken({ name: "DateLiteral", pattern: /\d{4}-\d{2}-\d{2}/ });
/** A clause number that cannot be a decimal: `4.26A`, `1.2.3`, `4A`. `18.13` lexes as a Decimal. */
export const ClauseNumber = createToken({ name: "ClauseNumber", pattern: /\d+(?:\.\d+)+[A-Z]{1,2}(?![\w])|\d+(?:\.\d+){2,}[A-Z]{0,2}(?![\w])|\d+[A-Z]{1,2}(?![\w])/ });
export const DecimalLiteral = createToken({ name: "DecimalLiteral", pattern: /\d+\.\d+/ });
export const IntegerLiteral = createToken({ name: "IntegerLiteral", pattern: /\d+/ });
export const TextLiteral = createToken({ name: "TextLiteral", pattern: /"(?:[^"\\\n\r]|\\["\\nt])*"/ });

// Punctuation and operators.
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'" });
export const NotEquals = createToken({ name: "NotEquals", pattern: /!=/, label: "'!='" });
export const LessEquals = createToken({ name: "LessEquals", pattern: /<=/, label: "'<='" });
export const GreaterEquals = createToken({ name: "GreaterEquals", pattern: /[>]=/, label: "'>='" });
export const Less = createToken({ name: "Less", pattern: /</, label: "'<'" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "'>'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
/** `--` starts a comment, so it must be tried before `-`. */
export const Comment = createToken({ name: "Comment", pattern: /--[^\n\r]*/, group: "comments" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  DateTimeLiteral,
  DateLiteral,
  ClauseNumber,
  DecimalLiteral,
  IntegerLiteral,
  TextLiteral,
  ...declarationKeywords,
  ...softKeywords,
  FieldName,
  Identifier,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
];

export const RuleLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
