/**
 * The chevrotain parser of `.mimi` (grammar in docs/language.md). Each rule's comment gives the
 * production it implements. Recovery is on: the parser re-synchronises and keeps going so that one
 * run reports every syntax error in a file.
 *
 * Recovery is bounded so that hostile input costs linear time and constant stack (issue 10):
 * - `parseFile` stops the parse at the error cap: the error after the last one reported ends the
 *   run (chevrotain's repetition recovery recurses once per re-sync, so an uncapped run of errors
 *   overflows the stack, and each re-sync costs work);
 * - a re-sync point is looked for only in the next `RESYNC_WINDOW` tokens (chevrotain scans up to the
 *   end of the input for one, once per error, which is quadratic on a long run of errors).
 */
import { CstParser, EOF, tokenMatcher, type CstNode, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import * as T from './lexer.js';

// chevrotain 11's internal recovery hooks that MimiParser overrides (present on every parser instance;
// test/robust.parser.test.ts fails if a chevrotain update renames them)
declare module 'chevrotain' {
  interface CstParser {
    /** the one place a recognition error is recorded */
    SAVE_ERROR(error: IRecognitionException): IRecognitionException;
    /** the token type to re-synchronise at after an error: the first token ahead in any follow set */
    findReSyncTokenType(): TokenType;
    /** the follow sets of every rule on the stack, flattened */
    flattenFollowSet(): TokenType[];
    /** keeps a token skipped by recovery (on the error, unused here) */
    addToResyncTokens(token: IToken, resyncTokens: IToken[]): IToken[];
  }
}

/** How many tokens ahead a re-sync point is looked for; past it, the parse re-syncs at the end of the input. */
export const RESYNC_WINDOW = 1000;

function describe(token: IToken): string {
  if (token.tokenType === EOF) return 'end of file';
  if (token.tokenType === T.StringLiteral) return `string ${token.image}`;
  if (token.tokenType === T.Integer) return `number \`${token.image}\``;
  if (token.tokenType === T.Identifier) return `\`${token.image}\``;
  return `\`${token.image}\``;
}
function label(t: TokenType): string {
  if (t === T.Identifier) return 'a name';
  if (t === T.Integer) return 'a number';
  if (t === T.StringLiteral) return 'a string';
  if (t === T.HexString) return 'a hex"…" string';
  return t.LABEL ?? t.name;
}
function alternatives(paths: TokenType[][][]): string {
  const firsts: string[] = [];
  for (const alt of paths) for (const path of alt) if (path[0]) firsts.push(label(path[0]));
  const uniq = [...new Set(firsts)];
  if (uniq.length <= 1) return uniq[0] ?? 'something else';
  if (uniq.length > 6) return `${uniq.slice(0, 5).join(', ')} or another`;
  return `${uniq.slice(0, -1).join(', ')} or ${uniq[uniq.length - 1]}`;
}

/** What a rule is, in the words of an error message ("expected a declaration …"). */
const RULE_WHAT: Record<string, string> = {
  item: 'a declaration (`role`, `package`, `capability`, `room`, `preauth`, `participants`, `history`, `import` …)',
  roomSetting: 'a room setting (`multi_device`, `max_users`, …) or `}`',
  roleItem: 'a role property (`grant`, `participants`, `active`, `changes`, `name`, `description`) or `}`',
  roleRef: 'a role name or `none`',
  claim: 'a claim (`x509 "OID" = "value"`, `jwt "name" = "value"`, `basic = "id"`, …)',
  historySetting: '`share_by`, `automatic`, `max_period` or `}`',
  boolValue: '`true` or `false`',
};

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    // EOF expected: something other than a declaration at the top level
    if (expected === EOF) return `unexpected ${describe(actual)}: expected a declaration`;
    return `expected ${label(expected)} but found ${describe(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describe(firstRedundant)}: expected a declaration`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const what = RULE_WHAT[ruleName] ?? alternatives(expectedPathsPerAlt);
    return `expected ${what} but found ${describe(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const what = RULE_WHAT[ruleName] ?? alternatives([expectedIterationPaths]);
    return `expected ${what} but found ${describe(actual[0])}`;
  },
};

/** Thrown through chevrotain's rules to end a parse at the error cap (not a recognition error, so no rule catches it). */
class ParseStopped extends Error {}

export interface FileParse {
  cst: CstNode | undefined;
  errors: IRecognitionException[];
  /** set when the error cap ended the parse: the token the next error was found at */
  stoppedAt?: IToken;
}

export class MimiParser extends CstParser {
  private maxErrors = Infinity;
  private errorCount = 0;
  private stopped: { at: IToken; root: CstNode | undefined } | undefined;

  /**
   * `validate`: run chevrotain's grammar validations (ambiguities, left recursion, …), ~20 ms. The
   * parser used at run time skips them; test/grammar.validations.test.ts builds one with them, so a
   * grammar mistake still fails CI.
   */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider, skipValidations: options.validate !== true });
    this.performSelfAnalysis();
  }

  /**
   * Parse a token stream as a file, recording at most `maxErrors` syntax errors: the parse ends where
   * one more is found (the CST holds the declarations completed by then).
   */
  parseFile(tokens: IToken[], maxErrors = Infinity): FileParse {
    this.input = tokens;
    this.maxErrors = maxErrors;
    this.errorCount = 0;
    this.stopped = undefined;
    let cst: CstNode | undefined;
    try {
      cst = this.file();
    } catch (e) {
      if (!(e instanceof ParseStopped)) throw e;
    }
    const errors = this.errors;
    const stopped = this.stopped as { at: IToken; root: CstNode | undefined } | undefined;
    this.input = []; // drop the references to the tokens
    return stopped ? { cst: stopped.root, errors, stoppedAt: stopped.at } : { cst, errors };
  }

  override SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    if (this.stopped) return error; // the end-of-parse check after a stop: nothing more is recorded
    if (this.errorCount >= this.maxErrors) {
      // the root CST node (internal to chevrotain, read defensively) holds the declarations parsed so far
      const root = (this as unknown as { CST_STACK?: CstNode[] }).CST_STACK?.[0];
      this.stopped = { at: error.token, root };
      throw new ParseStopped();
    }
    this.errorCount++;
    return super.SAVE_ERROR(error);
  }

  /** Skipped tokens are not kept: a recovery that skips millions of tokens would hold them all. */
  override addToResyncTokens(_token: IToken, resyncTokens: IToken[]): IToken[] {
    return resyncTokens;
  }

  /** chevrotain's, but looking at most RESYNC_WINDOW tokens ahead (then: the end of the input). */
  override findReSyncTokenType(): TokenType {
    const follows = this.flattenFollowSet();
    for (let k = 1; k <= RESYNC_WINDOW; k++) {
      const t = this.LA(k);
      if (t.tokenType === EOF) return EOF;
      for (const f of follows) if (tokenMatcher(t, f)) return f;
    }
    return EOF;
  }

  /** file := item* */
  file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  /** item := import | room | capability | credential | package | role | preauth | participants | history | component */
  item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.roomDecl) },
      { ALT: () => this.SUBRULE(this.capabilityDecl) },
      { ALT: () => this.SUBRULE(this.credentialDecl) },
      { ALT: () => this.SUBRULE(this.packageDecl) },
      { ALT: () => this.SUBRULE(this.roleDecl) },
      { ALT: () => this.SUBRULE(this.preauthDecl) },
      { ALT: () => this.SUBRULE(this.participantsDecl) },
      { ALT: () => this.SUBRULE(this.historyDecl) },
      { ALT: () => this.SUBRULE(this.componentDecl) },
      { ALT: () => this.SUBRULE(this.allowDecl) },
      { ALT: () => this.SUBRULE(this.hierarchyDecl) },
      { ALT: () => this.SUBRULE(this.addonDecl) },
      { ALT: () => this.SUBRULE(this.bansDecl) },
      { ALT: () => this.SUBRULE(this.scenarioDecl) },
    ]);
  });

  /** import := "import" STRING */
  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  /** room := "room" STRING? "{" roomSetting* "}" */
  roomDecl = this.RULE('roomDecl', () => {
    this.CONSUME(T.Room);
    this.OPTION(() => this.CONSUME(T.StringLiteral));
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.roomSetting));
    this.CONSUME(T.RCurly);
  });

  /** roomSetting := boolKey bool | intKey INT | "parent_room" STRING | "components" "[" (INT ","?)* "]" */
  roomSetting = this.RULE('roomSetting', () => {
    this.OR([
      {
        ALT: () => {
          this.OR1([
            { ALT: () => this.CONSUME(T.FixedMembership) },
            { ALT: () => this.CONSUME(T.ParentDependant) },
            { ALT: () => this.CONSUME(T.MultiDevice) },
            { ALT: () => this.CONSUME(T.PseudonymsAllowed) },
            { ALT: () => this.CONSUME(T.PersistentRoom) },
            { ALT: () => this.CONSUME(T.Discoverable) },
          ]);
          this.SUBRULE(this.boolValue);
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.MaxClients) }, { ALT: () => this.CONSUME(T.MaxUsers) }]);
          this.CONSUME(T.Integer);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.ParentRoom);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Components);
          this.CONSUME(T.LSquare);
          this.MANY(() => {
            this.CONSUME1(T.Integer);
            this.OPTION(() => this.CONSUME(T.Comma));
          });
          this.CONSUME(T.RSquare);
        },
      },
    ]);
  });

  /** bool := "true" | "false" */
  boolValue = this.RULE('boolValue', () => {
    this.OR([{ ALT: () => this.CONSUME(T.True) }, { ALT: () => this.CONSUME(T.False) }]);
  });

  /** capability := "capability" NAME "=" INT */
  capabilityDecl = this.RULE('capabilityDecl', () => {
    this.CONSUME(T.Capability);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.CONSUME(T.Integer);
  });

  /** credential := "credential" ("jwt" | "cwt") "=" INT */
  credentialDecl = this.RULE('credentialDecl', () => {
    this.CONSUME(T.Credential);
    this.OR([{ ALT: () => this.CONSUME(T.Jwt) }, { ALT: () => this.CONSUME(T.Cwt) }]);
    this.CONSUME(T.Equals);
    this.CONSUME(T.Integer);
  });

  /** package := "required"? "package" NAME ("includes" NAME (","? NAME)*)? "{" (NAME ","?)* "}" */
  packageDecl = this.RULE('packageDecl', () => {
    this.OPTION(() => this.CONSUME(T.Required));
    this.CONSUME(T.Package);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION1(() => {
      this.CONSUME(T.Includes);
      this.SUBRULE(this.nameList, { LABEL: 'includes' });
    });
    this.CONSUME(T.LCurly);
    this.OPTION2(() => this.SUBRULE1(this.nameList, { LABEL: 'members' }));
    this.CONSUME(T.RCurly);
  });

  /** nameList := NAME (","? NAME)* */
  nameList = this.RULE('nameList', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(T.Comma));
      this.CONSUME1(T.Identifier);
    });
  });

  /** role := "role" NAME ("@" INT)? ("extends" NAME)? "{" roleItem* "}" */
  roleDecl = this.RULE('roleDecl', () => {
    this.CONSUME(T.Role);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.At);
      this.CONSUME(T.Integer);
    });
    this.OPTION1(() => {
      this.CONSUME(T.Extends);
      this.CONSUME1(T.Identifier, { LABEL: 'parent' });
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.roleItem));
    this.CONSUME(T.RCurly);
  });

  /** roleItem := "name" STRING | "description" STRING | "grant" nameList | "capabilities" "[" … "]" | ("participants" | "active") range | "changes" "{" change* "}" */
  roleItem = this.RULE('roleItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Name);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Description);
          this.CONSUME1(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Grant);
          this.SUBRULE(this.nameList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Capabilities);
          this.CONSUME(T.LSquare);
          this.MANY(() => {
            this.OR1([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Integer) }]);
            this.OPTION(() => this.CONSUME(T.Comma));
          });
          this.CONSUME(T.RSquare);
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Participants) }, { ALT: () => this.CONSUME(T.Active) }]);
          this.SUBRULE(this.range);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Changes);
          this.CONSUME(T.LCurly);
          this.MANY1(() => this.SUBRULE(this.changeEntry));
          this.CONSUME(T.RCurly);
        },
      },
    ]);
  });

  /** range := INT (".." INT?)? */
  range = this.RULE('range', () => {
    this.CONSUME(T.Integer, { LABEL: 'min' });
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.OPTION1(() => this.CONSUME1(T.Integer, { LABEL: 'max' }));
    });
  });

  /** change := roleRef "->" ("[" "]" | roleRef ("," roleRef)*) */
  changeEntry = this.RULE('changeEntry', () => {
    this.SUBRULE(this.roleRef, { LABEL: 'from' });
    this.CONSUME(T.Arrow);
    this.OR([
      {
        // `from -> []`: an entry with no targets (the wire allows it; it authorizes nothing)
        ALT: () => {
          this.CONSUME(T.LSquare);
          this.CONSUME(T.RSquare);
        },
      },
      {
        ALT: () => {
          this.SUBRULE1(this.roleRef, { LABEL: 'to' });
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.SUBRULE2(this.roleRef, { LABEL: 'to' });
          });
        },
      },
    ]);
  });

  /** roleRef := NAME ("+" NAME)* | "none" — `level + addon …` names a lowered hierarchy role */
  roleRef = this.RULE('roleRef', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.MANY(() => {
            this.CONSUME(T.Plus);
            this.CONSUME1(T.Identifier);
          });
        },
      },
      { ALT: () => this.CONSUME(T.None) },
    ]);
  });

  /** preauth := "preauth" "{" (roleRef "when" ("anyone" | claim ("and" claim)*))* "}" */
  preauthDecl = this.RULE('preauthDecl', () => {
    this.CONSUME(T.Preauth);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.preauthEntry));
    this.CONSUME(T.RCurly);
  });

  preauthEntry = this.RULE('preauthEntry', () => {
    this.SUBRULE(this.roleRef);
    this.CONSUME(T.When);
    this.OR([
      { ALT: () => this.CONSUME(T.Anyone) },
      {
        ALT: () => {
          this.SUBRULE(this.claim);
          this.MANY(() => {
            this.CONSUME(T.And);
            this.SUBRULE1(this.claim);
          });
        },
      },
    ]);
  });

  /** claim := ("basic" | "x509" | "jwt" | "cwt" | "credential" INT) (STRING | INT | HEX)? "=" (STRING | HEX) */
  claim = this.RULE('claim', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Basic) },
      { ALT: () => this.CONSUME(T.X509) },
      { ALT: () => this.CONSUME(T.Jwt) },
      { ALT: () => this.CONSUME(T.Cwt) },
      {
        ALT: () => {
          this.CONSUME(T.Credential);
          this.CONSUME(T.Integer, { LABEL: 'credentialCode' });
        },
      },
    ]);
    this.OPTION(() => {
      this.OR1([
        { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'idString' }) },
        { ALT: () => this.CONSUME1(T.Integer, { LABEL: 'idInt' }) },
        { ALT: () => this.CONSUME(T.HexString, { LABEL: 'idHex' }) },
      ]);
    });
    this.CONSUME(T.Equals);
    this.OR2([
      { ALT: () => this.CONSUME1(T.StringLiteral, { LABEL: 'valueString' }) },
      { ALT: () => this.CONSUME1(T.HexString, { LABEL: 'valueHex' }) },
    ]);
  });

  /** participants := "participants" "{" (STRING ":" roleRef ","?)* "}" */
  participantsDecl = this.RULE('participantsDecl', () => {
    this.CONSUME(T.Participants);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.participantEntry));
    this.CONSUME(T.RCurly);
  });

  participantEntry = this.RULE('participantEntry', () => {
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.roleRef);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  /** history := "history" ("optional" | "required" | "forbidden") ("{" historySetting* "}")? */
  historyDecl = this.RULE('historyDecl', () => {
    this.CONSUME(T.History);
    this.OR([
      { ALT: () => this.CONSUME(T.Optional) },
      { ALT: () => this.CONSUME(T.Required) },
      { ALT: () => this.CONSUME(T.Forbidden) },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.LCurly);
      this.MANY(() => this.SUBRULE(this.historySetting));
      this.CONSUME(T.RCurly);
    });
  });

  /** historySetting := "share_by" roleRef (","? roleRef)* | "automatic" bool | "max_period" INT */
  historySetting = this.RULE('historySetting', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.ShareBy);
          this.SUBRULE(this.roleRef);
          this.MANY(() => {
            this.OPTION(() => this.CONSUME(T.Comma));
            this.SUBRULE1(this.roleRef);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Automatic);
          this.SUBRULE(this.boolValue);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.MaxPeriod);
          this.CONSUME(T.Integer);
        },
      },
    ]);
  });

  /** allow := "allow" (KEBAB | NAME) "for" roleRef "because" STRING — acknowledges an analysis finding */
  allowDecl = this.RULE('allowDecl', () => {
    this.CONSUME(T.Allow);
    this.OR([{ ALT: () => this.CONSUME(T.KebabName) }, { ALT: () => this.CONSUME(T.Identifier) }]);
    this.CONSUME(T.For);
    this.SUBRULE(this.roleRef);
    this.CONSUME(T.Because);
    this.CONSUME(T.StringLiteral);
  });

  /** hierarchy := "hierarchy" "{" (level | hierarchySetting)* "}" — levels lowest first */
  hierarchyDecl = this.RULE('hierarchyDecl', () => {
    this.CONSUME(T.Hierarchy);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.levelDecl) }, { ALT: () => this.SUBRULE(this.hierarchySetting) }]);
    });
    this.CONSUME(T.RCurly);
  });

  /** level := "level" NAME ("{" levelItem* "}")? */
  levelDecl = this.RULE('levelDecl', () => {
    this.CONSUME(T.Level);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LCurly);
      this.MANY(() => this.SUBRULE(this.modelItem));
      this.CONSUME(T.RCurly);
    });
  });

  /** hierarchySetting := "protect" ("strictly_lower" | "lower_or_equal" | "none") | ("entry" | "add_by" | "remove_by" | "kick_by") NAME | "leave" | "open_join" */
  hierarchySetting = this.RULE('hierarchySetting', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Protect);
          this.OR1([{ ALT: () => this.CONSUME(T.StrictlyLower) }, { ALT: () => this.CONSUME(T.LowerOrEqual) }, { ALT: () => this.CONSUME(T.None) }]);
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Entry) }, { ALT: () => this.CONSUME(T.AddBy) }, { ALT: () => this.CONSUME(T.RemoveBy) }, { ALT: () => this.CONSUME(T.KickBy) }]);
          this.CONSUME(T.Identifier);
        },
      },
      { ALT: () => this.CONSUME(T.Leave) },
      { ALT: () => this.CONSUME(T.OpenJoin) },
    ]);
  });

  /** addon := "addon" NAME "{" modelItem* "}" */
  addonDecl = this.RULE('addonDecl', () => {
    this.CONSUME(T.Addon);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelItem));
    this.CONSUME(T.RCurly);
  });

  /** modelItem := "grant" ("all" | nameList) | ("participants" | "active") range | ("given_by" | "dropped_by" | "requires" | "add_by") NAME | "self_assign" | "self_drop" */
  modelItem = this.RULE('modelItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Grant);
          this.OR1([{ ALT: () => this.CONSUME(T.All) }, { ALT: () => this.SUBRULE(this.nameList) }]);
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Participants) }, { ALT: () => this.CONSUME(T.Active) }]);
          this.SUBRULE(this.range);
        },
      },
      {
        ALT: () => {
          this.OR3([{ ALT: () => this.CONSUME(T.GivenBy) }, { ALT: () => this.CONSUME(T.DroppedBy) }, { ALT: () => this.CONSUME(T.Requires) }, { ALT: () => this.CONSUME(T.AddBy) }]);
          this.CONSUME(T.Identifier);
        },
      },
      { ALT: () => this.CONSUME(T.SelfAssign) },
      { ALT: () => this.CONSUME(T.SelfDrop) },
    ]);
  });

  /** bans := "bans" "{" (("by" | "unban_by") NAME | "reasons" | "expiry" | "members_only")* "}" */
  bansDecl = this.RULE('bansDecl', () => {
    this.CONSUME(T.Bans);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.OR1([{ ALT: () => this.CONSUME(T.By) }, { ALT: () => this.CONSUME(T.UnbanBy) }]);
            this.CONSUME(T.Identifier);
          },
        },
        { ALT: () => this.CONSUME(T.Reasons) },
        { ALT: () => this.CONSUME(T.Expiry) },
        { ALT: () => this.CONSUME(T.MembersOnly) },
      ]);
    });
    this.CONSUME(T.RCurly);
  });

  /** scenario := "scenario" STRING "{" ("given" "{" givenEntry* "}")? expectStep* "}" */
  scenarioDecl = this.RULE('scenarioDecl', () => {
    this.CONSUME(T.Scenario);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.LCurly);
    this.OPTION(() => {
      this.CONSUME(T.Given);
      this.CONSUME1(T.LCurly);
      this.MANY(() => this.SUBRULE(this.givenEntry));
      this.CONSUME1(T.RCurly);
    });
    this.MANY1(() => this.SUBRULE(this.expectStep));
    this.CONSUME(T.RCurly);
  });

  /** givenEntry := NAME ":" (roleRef | "@" INT) ("clients" INT)? ("claims" "{" claim ("and"? claim)* "}")? ","? */
  givenEntry = this.RULE('givenEntry', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    // `@99`: a role index, defined by the policy or not (to test that an undefined role is refused)
    this.OR([
      { ALT: () => this.SUBRULE(this.roleRef) },
      {
        ALT: () => {
          this.CONSUME(T.At);
          this.CONSUME1(T.Integer, { LABEL: 'index' });
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.ClientsKw);
      this.CONSUME(T.Integer);
    });
    this.OPTION1(() => {
      this.CONSUME(T.Claims);
      this.CONSUME(T.LCurly);
      this.MANY(() => {
        this.SUBRULE(this.claim);
        this.OPTION2(() => this.CONSUME(T.And));
      });
      this.CONSUME(T.RCurly);
    });
    this.OPTION3(() => this.CONSUME(T.Comma));
  });

  /**
   * expectStep := "expect" ( ("allow" | "deny") action
   *                        | NAME stateWord+                      // `expect u is moderator`, `expect u not in room` …
   *                        | "participants" "{" givenEntry* "}" ) // the whole list
   */
  expectStep = this.RULE('expectStep', () => {
    this.CONSUME(T.Expect);
    this.OR([
      { ALT: () => this.SUBRULE(this.expectAction) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'subject' });
          // the words of a state check, read by build-ast: `is R`, `not`? `in room`, `not`? `banned`, `clients N`
          this.AT_LEAST_ONE(() => {
            this.OR1([
              { ALT: () => this.CONSUME1(T.Identifier, { LABEL: 'word' }) },
              { ALT: () => this.CONSUME(T.Room, { LABEL: 'word' }) },
              { ALT: () => this.CONSUME(T.None, { LABEL: 'word' }) },
              { ALT: () => this.CONSUME(T.Plus, { LABEL: 'word' }) },
              { ALT: () => this.CONSUME(T.ClientsKw, { LABEL: 'word' }) },
              { ALT: () => this.CONSUME(T.Integer, { LABEL: 'word' }) },
            ]);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Participants);
          this.CONSUME(T.LCurly);
          this.MANY(() => this.SUBRULE(this.givenEntry));
          this.CONSUME(T.RCurly);
        },
      },
    ]);
  });

  /** expectAction := ("allow" | "deny") NAME verb (NAME | INT)? ("to" roleRef | "via" NAME | "clients" INT)* ("{" commitChange* "}")? */
  expectAction = this.RULE('expectAction', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Allow) }, { ALT: () => this.CONSUME(T.Deny) }]);
    this.CONSUME(T.Identifier, { LABEL: 'actor' });
    // the verb: an action name; `leave` and `capability` are also keywords elsewhere
    this.OR1([
      { ALT: () => this.CONSUME1(T.Identifier, { LABEL: 'verb' }) },
      { ALT: () => this.CONSUME(T.Leave, { LABEL: 'verb' }) },
      { ALT: () => this.CONSUME(T.Capability, { LABEL: 'verb' }) },
    ]);
    // the target user, or for `capability` its name or code (`capability 0xF001`)
    this.OPTION(() => this.OR4([{ ALT: () => this.CONSUME2(T.Identifier, { LABEL: 'target' }) }, { ALT: () => this.CONSUME1(T.Integer, { LABEL: 'code' }) }]));
    // `to R`, `via open|preauth|code` and `clients N`, in any order
    this.MANY(() => {
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(T.To);
            this.SUBRULE(this.roleRef);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Via);
            this.OR3([{ ALT: () => this.CONSUME3(T.Identifier, { LABEL: 'via' }) }, { ALT: () => this.CONSUME(T.Preauth, { LABEL: 'via' }) }]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.ClientsKw);
            this.CONSUME(T.Integer);
          },
        },
      ]);
    });
    // `commit { changeRole b to owner; changeRole a to admin }`: the changes of one update
    this.OPTION1(() => {
      this.CONSUME(T.LCurly);
      this.MANY1(() => {
        this.SUBRULE(this.commitChange);
        this.MANY2(() => this.OR5([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.CONSUME(T.Comma) }]));
      });
      this.CONSUME(T.RCurly);
    });
  });

  /** commitChange := verb NAME ("to" roleRef)? */
  commitChange = this.RULE('commitChange', () => {
    this.CONSUME(T.Identifier, { LABEL: 'verb' });
    this.CONSUME1(T.Identifier, { LABEL: 'target' });
    this.OPTION(() => {
      this.CONSUME(T.To);
      this.SUBRULE(this.roleRef);
    });
  });

  /** component := "component" INT HEX */
  componentDecl = this.RULE('componentDecl', () => {
    this.CONSUME(T.ComponentKw);
    this.CONSUME(T.Integer);
    this.CONSUME(T.HexString);
  });
}

/** One parser instance is reused (chevrotain parsers are stateful but reset on each `input =`). */
export const mimiParser = new MimiParser();
