/**
 * The tmad rule language's parser: syntax only. It builds a Chevrotain CST; the meaning of every
 * construct is given by the CST→AST visitor in src/compiler/parse and the checker in
 * src/compiler/check. Each rule's comment names its section of grammar/README.md.
 * Error recovery is on, so one run reports every syntax error of a block.
 */
import { CstParser, EOF, type IParserErrorMessageProvider, type TokenType, defaultParserErrorProvider } from "chevrotain";
import * as T from "./tokens.js";

/** Rules inside an expression: for these, "expected an expression" says more than a list of 20 tokens. */
const EXPRESSION_RULES = new Set(["expression", "orExpr", "andExpr", "notExpr", "comparison", "otherwiseExpr", "additive", "multiplicative", "unary", "postfix", "primary"]);

/** Messages in the words a policy author knows (token labels rather than token type names). */
const messages: IParserErrorMessageProvider = {
  ...defaultParserErrorProvider,
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    return `expected ${describe(expected)} but found ${actualText(actual.image, actual.tokenType)} (in ${ruleName})`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${actualText(firstRedundant.image, firstRedundant.tokenType)}: a declaration (enum, record, identifier, input, decision, parameter, definition, rule, default) was expected`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    if (EXPRESSION_RULES.has(ruleName)) {
      const found = actual[0];
      return `expected an expression but found ${actualText(found.image, found.tokenType)}`;
    }
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path.length > 0) firsts.add(describe(path[0]));
    const found = actual[0];
    return `expected one of ${[...firsts].sort().join(", ")} but found ${actualText(found.image, found.tokenType)} (in ${ruleName})`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = new Set<string>();
    for (const path of expectedIterationPaths) if (path.length > 0) firsts.add(describe(path[0]));
    const found = actual[0];
    return `expected ${[...firsts].sort().join(" or ")} but found ${actualText(found.image, found.tokenType)} (in ${ruleName})`;
  },
};

function describe(token: TokenType): string {
  if (token.LABEL !== undefined) return token.LABEL;
  if (token === T.Identifier) return "a name";
  if (token === T.FieldName) return "a field name";
  if (token === T.TextLiteral) return "a text literal";
  if (token === T.IntegerLiteral) return "an integer";
  if (token === T.DecimalLiteral) return "a decimal";
  if (token === T.DateLiteral) return "a date";
  if (token === T.DateTimeLiteral) return "a date-time";
  if (token === T.ClauseNumber) return "a clause number";
  if (token === EOF) return "end of block";
  return `'${token.name === "IdentifierKw" ? "identifier" : token.name.toLowerCase()}'`;
}

function actualText(image: string, type: TokenType): string {
  return type === EOF ? "the end of the block" : `'${image}'`;
}

export class RuleParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  /** README "Documents": a rule block is a sequence of declarations. */
  public document = this.RULE("document", () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  public declaration = this.RULE("declaration", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.enumDecl) },
      { ALT: () => this.SUBRULE(this.recordDecl) },
      { ALT: () => this.SUBRULE(this.identifierDecl) },
      { ALT: () => this.SUBRULE(this.inputDecl) },
      { ALT: () => this.SUBRULE(this.decisionDecl) },
      { ALT: () => this.SUBRULE(this.parameterDecl) },
      { ALT: () => this.SUBRULE(this.definitionDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.defaultDecl) },
    ]);
  });

  /** README "Enumerations": `enum Cohort  FOC  MOC_MDS "MOC (MDS)"`. */
  public enumDecl = this.RULE("enumDecl", () => {
    this.CONSUME(T.Enum);
    this.CONSUME(T.Identifier);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.enumMember));
  });

  public enumMember = this.RULE("enumMember", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.TextLiteral));
  });

  /** README "Records": `record Device  id: DeviceId  dormant: boolean`; `record Attempt dated by at …`. */
  public recordDecl = this.RULE("recordDecl", () => {
    this.CONSUME(T.Record);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.datedBy));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.field));
  });

  /**
   * A field, with a default value only where a decision field allows one, and (records only) the
   * field that dates its value: `status: SupplierStatus dated by statusChangedOn otherwise previousStatus`.
   */
  public field = this.RULE("field", () => {
    this.CONSUME(T.FieldName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
    this.OPTION2(() => {
      this.SUBRULE(this.datedBy);
      this.OPTION3(() => {
        this.CONSUME(T.Otherwise);
        this.SUBRULE(this.additive);
      });
    });
  });

  /** README "Dated facts": `dated by at`, the field whose date says when a fact became known. */
  public datedBy = this.RULE("datedBy", () => {
    this.CONSUME(T.Dated);
    this.CONSUME(T.By);
    this.CONSUME(T.FieldName);
  });

  /** README "Types": scalars and declared names, `optional T`, `list of T`. */
  public typeExpr = this.RULE("typeExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Optional);
          this.SUBRULE(this.typeExpr);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.List);
          this.CONSUME(T.Of);
          this.SUBRULE2(this.typeExpr);
        },
      },
      { ALT: () => this.CONSUME(T.Clause) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
  });

  /** README "Identifier types": `identifier MPAN pattern "…" checkdigit weights 3, 5 mod 11 mod 10`. */
  public identifierDecl = this.RULE("identifierDecl", () => {
    this.CONSUME(T.IdentifierKw);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Pattern);
    this.CONSUME(T.TextLiteral);
    this.OPTION(() => {
      this.CONSUME(T.Checkdigit);
      this.CONSUME(T.Weights);
      this.CONSUME(T.IntegerLiteral);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.CONSUME2(T.IntegerLiteral);
      });
      this.AT_LEAST_ONE(() => {
        this.CONSUME(T.Mod);
        this.CONSUME3(T.IntegerLiteral);
      });
    });
  });

  /** README "Input and decision": `input installation: Installation identified by id`. */
  public inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier);
    this.CONSUME(T.Identified);
    this.CONSUME(T.By);
    this.CONSUME(T.FieldName);
  });

  /** README "Input and decision": `decision Decision  outcome: Outcome  notify: boolean = true`. */
  public decisionDecl = this.RULE("decisionDecl", () => {
    this.CONSUME(T.Decision);
    this.CONSUME(T.Identifier);
    this.AT_LEAST_ONE(() => this.SUBRULE(this.field));
  });

  /** README "Parameters": `parameter firmwareAttempts: integer = 36 * 3`. */
  public parameterDecl = this.RULE("parameterDecl", () => {
    this.CONSUME(T.Parameter);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  /** README "Definitions": `definition failed(d: Device): boolean = …`. */
  public definitionDecl = this.RULE("definitionDecl", () => {
    this.CONSUME(T.Definition);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeExpr);
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  public param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
  });

  /** README "Rules": `rule id  clause 18.13  source "…"  when …  then f = v, …  unless r  overrides r`. */
  public ruleDecl = this.RULE("ruleDecl", () => {
    this.CONSUME(T.Rule);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.clauseLine));
    this.OPTION2(() => {
      this.CONSUME(T.Source);
      this.CONSUME(T.TextLiteral);
    });
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Then);
    this.SUBRULE(this.assignments);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Unless) }, { ALT: () => this.CONSUME(T.Overrides) }]);
      this.SUBRULE(this.ruleNames);
    });
  });

  public ruleNames = this.RULE("ruleNames", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
  });

  public clauseLine = this.RULE("clauseLine", () => {
    this.CONSUME(T.Clause);
    this.SUBRULE(this.clauseNumber);
  });

  public clauseNumber = this.RULE("clauseNumber", () => {
    this.OR([{ ALT: () => this.CONSUME(T.ClauseNumber) }, { ALT: () => this.CONSUME(T.DecimalLiteral) }, { ALT: () => this.CONSUME(T.IntegerLiteral) }]);
  });

  /** README "Default": `default  clause 4.1  then outcome = blocked`. */
  public defaultDecl = this.RULE("defaultDecl", () => {
    this.CONSUME(T.Default);
    this.OPTION(() => this.SUBRULE(this.clauseLine));
    this.CONSUME(T.Then);
    this.SUBRULE(this.assignments);
  });

  public assignments = this.RULE("assignments", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.assignment) });
  });

  public assignment = this.RULE("assignment", () => {
    this.CONSUME(T.FieldName);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  // -------------------------------------------------------------------------------------------
  // README "Expressions", loosest binding first.

  public expression = this.RULE("expression", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.ifExpr) }, { ALT: () => this.SUBRULE(this.orExpr) }]);
  });

  public ifExpr = this.RULE("ifExpr", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expression);
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expression);
  });

  public orExpr = this.RULE("orExpr", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  public andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  public notExpr = this.RULE("notExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  /** `a < b`, `x in {A, B}`, `x not in {…}`, `x is present`, `x is not absent`. */
  public comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.otherwiseExpr);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.SUBRULE(this.comparisonOperator);
            this.SUBRULE2(this.otherwiseExpr);
          },
        },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.Not));
            this.CONSUME(T.In);
            this.SUBRULE(this.setLiteral);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            this.OPTION3(() => this.CONSUME2(T.Not));
            this.OR2([{ ALT: () => this.CONSUME(T.Present) }, { ALT: () => this.CONSUME(T.Absent) }]);
          },
        },
      ]);
    });
  });

  public comparisonOperator = this.RULE("comparisonOperator", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Equals) },
      { ALT: () => this.CONSUME(T.NotEquals) },
      { ALT: () => this.CONSUME(T.LessEquals) },
      { ALT: () => this.CONSUME(T.GreaterEquals) },
      { ALT: () => this.CONSUME(T.Less) },
      { ALT: () => this.CONSUME(T.Greater) },
    ]);
  });

  public setLiteral = this.RULE("setLiteral", () => {
    this.CONSUME(T.LBrace);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.additive) });
    this.CONSUME(T.RBrace);
  });

  /** `value otherwise fallback`: the explicit way to give an absent optional value a default. */
  public otherwiseExpr = this.RULE("otherwiseExpr", () => {
    this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(T.Otherwise);
      this.SUBRULE2(this.additive);
    });
  });

  public additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  public multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  public unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  /** Field access `a.b.c` and enum members written in full, `Cohort.IOC`. */
  public postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.FieldName);
    });
  });

  public primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.IntegerLiteral) },
      { ALT: () => this.CONSUME(T.DecimalLiteral) },
      { ALT: () => this.CONSUME(T.TextLiteral) },
      { ALT: () => this.CONSUME(T.DateTimeLiteral) },
      { ALT: () => this.CONSUME(T.DateLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.Clause);
          this.SUBRULE(this.clauseNumber);
        },
      },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.quantified) },
      { ALT: () => this.SUBRULE(this.aggregated) },
      { ALT: () => this.SUBRULE(this.collect) },
      { ALT: () => this.SUBRULE(this.daysBetween) },
    ]);
  });

  public nameOrCall = this.RULE("nameOrCall", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
      this.CONSUME(T.RParen);
    });
  });

  public parenthesized = this.RULE("parenthesized", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  public listLiteral = this.RULE("listLiteral", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  /** README "Quantifiers": `some d in xs where filter satisfies predicate` (also every, no, count). */
  public quantified = this.RULE("quantified", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Some) },
      { ALT: () => this.CONSUME(T.Every) },
      { ALT: () => this.CONSUME(T.No) },
      { ALT: () => this.CONSUME(T.Count) },
    ]);
    this.SUBRULE(this.binding);
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Satisfies);
      this.SUBRULE2(this.expression);
    });
  });

  /** `x in collection` */
  public binding = this.RULE("binding", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    this.SUBRULE(this.postfix);
  });

  /** README "Aggregates": `min a.at for a in xs where filter` (also max, sum). */
  public aggregated = this.RULE("aggregated", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Min) }, { ALT: () => this.CONSUME(T.Max) }, { ALT: () => this.CONSUME(T.Sum) }]);
    this.SUBRULE(this.additive);
    this.CONSUME(T.For);
    this.SUBRULE(this.binding);
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression);
    });
  });

  /** README "Lists": `collect d.id for d in xs where filter`. */
  public collect = this.RULE("collect", () => {
    this.CONSUME(T.Collect);
    this.SUBRULE(this.additive);
    this.CONSUME(T.For);
    this.SUBRULE(this.binding);
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression);
    });
  });

  /** README "Dates": `days between a and b` (b − a, in whole days). */
  public daysBetween = this.RULE("daysBetween", () => {
    this.CONSUME(T.Days);
    this.CONSUME(T.Between);
    this.SUBRULE(this.additive);
    this.CONSUME(T.And);
    this.SUBRULE2(this.additive);
  });
}

/** One parser instance, reused by resetting `input` (Chevrotain's performance guidance). */
export const ruleParser = new RuleParser();
