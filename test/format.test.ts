/**
 * The formatter: idempotent, keeps every comment, keeps meaning (the compiled IR before and after is
 * deep-equal), and lays out lists the way prettier does — on every `.mimi` in the repository, the
 * kitchen-sink fixture, re-laid-out and commented variants of them, and decompiled random policies.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { compileFile, memoryHost, type CompileResult } from '../compiler/index.js';
import { decompile } from '../compiler/emit/source.js';
import { format, mimiPlugin, MimiSyntaxError } from '../compiler/format/index.js';
import { parse } from '../grammar/index.js';
import { mimiLexer } from '../grammar/lexer.js';
import { arbPolicy } from './arbitraries.js';

const root = join(import.meta.dirname, '..');
/** generated cases per property (raise with MIMI_FUZZ_RUNS for a longer search) */
const FUZZ_RUNS = Number(process.env.MIMI_FUZZ_RUNS ?? 60);

/** Every construct of the multi-role model and of scenarios, on as few lines as the grammar allows. */
const MODEL_SOURCE = [
  'hierarchy { protect strictly_lower',
  'level restricted { grant reader } level regular { grant chatter given_by moderator } level moderator { grant all participants 1..1 }',
  'entry regular add_by moderator leave open_join }',
  'addon programmer { grant canStartTopic requires regular given_by moderator self_assign self_drop }',
  'bans { by moderator unban_by moderator reasons expiry }',
  'scenario "s" { given { alice: moderator, bob: regular + programmer clients 2, hub: none claims { x509 "2.5.4.11" = "E" } }',
  'expect deny bob remove alice expect allow alice changeRole bob to moderator expect allow hub join via preauth clients 1 to moderator expect allow bob capability canStartTopic expect allow bob leave }',
  'allow escalation for moderator because "trusted"',
].join('\n');

/** Every `.mimi` file of the repository (examples, stdlib, fixtures). */
function repoFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'dist', 'out', '.git'].includes(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.mimi')) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** What a file means: the IR and everything else the compiler derives, without source positions. */
function meaning(r: CompileResult): unknown {
  const positionless = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'span' || k === 'kindSpan' || k === 'text' ? undefined : v)));
  return {
    policy: r.policy,
    scenarios: positionless(r.scenarios),
    acknowledgements: positionless(r.acknowledgements),
    diagnostics: r.diagnostics.map((d) => `${d.code} ${d.message}`).sort(),
  };
}

/** Compile `text` as if it were `path` (its imports resolve next to it, on disk or in memory). */
function compileAs(path: string, text: string, others: Record<string, string> = {}): CompileResult {
  const host = memoryHost({ ...others, [path]: text });
  return compileFile(path, { host: { readFile: (p) => host.readFile(p) ?? (readFileOr(p)), resolveImport: (f, s) => host.resolveImport(f, s) ?? diskImport(f, s) } });
}
const readFileOr = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};
const diskImport = (from: string, spec: string): string | undefined => {
  const p = join(from, '..', spec);
  for (const c of [p, `${p}.mimi`]) if (readFileOr(c) !== undefined) return c;
  return undefined;
};

/** The comments of a text, normalised the way the formatter may change them (trailing blanks, `*` indentation). */
function commentsOf(text: string): string[] {
  return parse(text, 'x.mimi')
    .ast.comments.map((c) => c.text.split('\n').map((l) => l.trim()).join('\n'))
    .sort();
}

/** format, then check the three invariants; returns the formatted text. */
async function checkInvariants(text: string, path = '/virtual/main.mimi', options: { printWidth?: number } = {}): Promise<string> {
  const once = await format(text, { filepath: path, ...options });
  const twice = await format(once, { filepath: path, ...options });
  expect(twice, 'idempotent').toBe(once);
  expect(commentsOf(once), 'every comment kept').toEqual(commentsOf(text));
  expect(meaning(compileAs(path, once)), 'same meaning').toEqual(meaning(compileAs(path, text)));
  return once;
}

describe('every .mimi in the repository', () => {
  const files = repoFiles();
  it('finds the examples, stdlib and fixtures', () => {
    const rel = files.map((f) => relative(root, f));
    expect(rel).toContain('test/fixtures/kitchen-sink.mimi');
    expect(rel).toContain('stdlib/packages.mimi');
    expect(rel.filter((f) => f.startsWith('examples/')).length).toBeGreaterThanOrEqual(5);
  });
  for (const file of files) {
    // that they are checked in formatted is `npm test`'s `fmt --check`
    it(`${relative(root, file)}: idempotent, same IR`, async () => {
      await checkInvariants(readFileSync(file, 'utf8'), file);
    });
  }
});

describe('layout', () => {
  const fmt = (text: string, printWidth?: number) => format(text, printWidth ? { printWidth } : {});

  it('wraps a long grant list at printWidth, filling lines with one level of indent', async () => {
    const names = ['canSendMessage', 'canReceiveMessage', 'canReactToMessage', 'canEditReaction', 'canDeleteOwnReaction', 'canEditOwnMessage'];
    const out = await fmt(`role member { grant ${names.join(' ')} }\n`, 62);
    expect(out).toBe(
      ['role member {', '  grant canSendMessage, canReceiveMessage, canReactToMessage,', '    canEditReaction, canDeleteOwnReaction, canEditOwnMessage', '}', ''].join('\n'),
    );
    for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(62);
  });

  it('wraps change targets and preauth claims', async () => {
    const out = await fmt(
      'role r {\n  changes {\n    none -> alpha_role, beta_role, gamma_role, delta_role, epsilon_role\n  }\n}\npreauth {\n  r when x509 "2.5.4.10" = "Example Corp" and x509 "2.5.4.11" = "Engineering Leads"\n}\n',
      60,
    );
    expect(out).toBe(
      [
        'role r {',
        '  changes {',
        '    none -> alpha_role, beta_role, gamma_role, delta_role,',
        '      epsilon_role',
        '  }',
        '}',
        'preauth {',
        '  r when x509 "2.5.4.10" = "Example Corp"',
        '    and x509 "2.5.4.11" = "Engineering Leads"',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps a block on one line when the source did and it fits; expands it otherwise', async () => {
    expect(await fmt('room {max_users 500 persistent_room true}\n')).toBe('room { max_users 500  persistent_room true }\n');
    expect(await fmt('room {\nmax_users 500 persistent_room true}\n')).toBe('room {\n  max_users 500\n  persistent_room true\n}\n');
    expect(await fmt('role banned @1 {}\nrole x { }\n')).toBe('role banned @1 {}\nrole x {}\n');
    expect(await fmt('role m { grant canSendMessage  changes { m -> none } }\n', 30)).toBe('role m {\n  grant canSendMessage\n  changes { m -> none }\n}\n');
  });

  it('keeps a package’s members grouped by line, space-separated', async () => {
    expect(await fmt('package p {\n  a b\n  c, d e\n}\n')).toBe('package p {\n  a b\n  c d e\n}\n');
    expect(await fmt('package p { a, b }\npackage q includes p r { }\n')).toBe('package p { a b }\npackage q includes p, r {}\n');
    expect(await fmt(`package p {\n  ${'canSendMessage '.repeat(6)}\n}\n`, 40)).toBe(`package p {\n  ${'canSendMessage '.repeat(2).trim()}\n  ${'canSendMessage '.repeat(2).trim()}\n  ${'canSendMessage '.repeat(2).trim()}\n}\n`);
  });

  it('keeps at most one blank line between items and none at the edges of a block', async () => {
    expect(await fmt('\n\nimport "std/packages"\n\n\n\nrole a {\n\n  grant reader\n\n\n  active 0..0\n\n}\n\n\n')).toBe('import "std/packages"\n\nrole a {\n  grant reader\n\n  active 0..0\n}\n');
  });

  it('prints literals as written and role refs with spaces around `+`', async () => {
    const src = 'room { max_clients 1_000 max_users 0x1F4 }\nparticipants { "a\\u{1F600}\\n": x+y, "b": none }\ncomponent 0x0028 hex"00 FF"\n';
    expect(await fmt(src)).toBe('room { max_clients 1_000  max_users 0x1F4 }\nparticipants { "a\\u{1F600}\\n": x + y  "b": none }\ncomponent 0x0028 hex"00 FF"\n');
  });

  it('prints every construct of the multi-role model and of scenarios', async () => {
    const src = MODEL_SOURCE;
    const out = await checkInvariants(src, '/virtual/main.mimi', { printWidth: 100 });
    expect(out).toBe(
      [
        'hierarchy {',
        '  protect strictly_lower',
        '  level restricted { grant reader }',
        '  level regular { grant chatter  given_by moderator }',
        '  level moderator { grant all  participants 1..1 }',
        '  entry regular',
        '  add_by moderator',
        '  leave',
        '  open_join',
        '}',
        'addon programmer {',
        '  grant canStartTopic',
        '  requires regular',
        '  given_by moderator',
        '  self_assign',
        '  self_drop',
        '}',
        'bans { by moderator  unban_by moderator  reasons  expiry }',
        'scenario "s" {',
        '  given {',
        '    alice: moderator',
        '    bob: regular + programmer clients 2',
        '    hub: none claims { x509 "2.5.4.11" = "E" }',
        '  }',
        '  expect deny  bob remove alice',
        '  expect allow alice changeRole bob to moderator',
        '  expect allow hub join via preauth clients 1 to moderator',
        '  expect allow bob capability canStartTopic',
        '  expect allow bob leave',
        '}',
        'allow escalation for moderator because "trusted"',
        '',
      ].join('\n'),
    );
  });
});

describe('comments', () => {
  it('keeps doc comments directly above their declaration, and their descriptions', async () => {
    const src = '/// Members.\n/// They chat.\nrole member {}\n\n/** Mods. */ role moderator extends member {}\n/// not a doc: a blank line follows\n\nrole x {}\n';
    const out = await checkInvariants(src);
    expect(out).toBe('/// Members.\n/// They chat.\nrole member {}\n\n/** Mods. */ role moderator extends member {}\n/// not a doc: a blank line follows\n\nrole x {}\n');
  });

  it('aligns end-of-line comments of consecutive single-line items, gofmt style', async () => {
    const src = 'room {\n  multi_device true // a\n  max_users 2\n  persistent_room true        // b\n\n  discoverable false    // c\n}\n';
    expect(await fmt(src)).toBe('room {\n  multi_device true    // a\n  max_users 2\n  persistent_room true // b\n\n  discoverable false // c\n}\n');
    function fmt(t: string) {
      return checkInvariants(t);
    }
  });

  it('moves a comment from inside an item’s tokens above the item, never into its description', async () => {
    const src = '// header\n\n/// the doc\nrole a /* x */ @2 /// inner\n{ grant reader }\n';
    const out = await checkInvariants(src);
    expect(out).toBe('// header\n\n/* x */\n/// inner\n\n/// the doc\nrole a @2 { grant reader }\n');
    expect(compileAs('/virtual/main.mimi', out).symbols.roles.get('a')).toBeDefined();
  });

  it('keeps comments between list elements, breaking the line after a `//` comment', async () => {
    const src = 'role a {\n  grant reader, // why\n    chatter /* inline */, self_client\n  changes { a -> none, /* b */ banned }\n}\n';
    expect(await checkInvariants(src)).toBe('role a {\n  grant reader, // why\n    chatter /* inline */, self_client\n  changes { a -> none, /* b */ banned }\n}\n');
  });

  it('keeps comments in empty blocks and files of comments only', async () => {
    expect(await checkInvariants('role a { // nothing yet\n}\n')).toBe('role a {\n  // nothing yet\n}\n');
    expect(await checkInvariants('// only\n\n/* comments */\n')).toBe('// only\n\n/* comments */\n');
    expect(await format('')).toBe('');
  });

  it('re-indents `/** … */` comments whose lines start with `*`, keeps others verbatim', async () => {
    const src = 'role a {\n      /**\n         * one\n         * two\n         */\n  grant reader\n}\n/* a\n      b */\nrole b {}\n';
    expect(await checkInvariants(src)).toBe('role a {\n  /**\n   * one\n   * two\n   */\n  grant reader\n}\n/* a\n      b */\nrole b {}\n');
  });
});

describe('errors and the plugin', () => {
  it('a syntax error rejects with the diagnostics and a prettier `loc`', async () => {
    const err = await format('role a {\n  grant\n}\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MimiSyntaxError);
    const e = err as MimiSyntaxError;
    expect(e.diagnostics[0].code).toBe('E0001');
    expect(e.loc.start).toEqual({ line: 3, column: 1 });
  });

  it('is a prettier plugin: languages, parser inferred from the .mimi extension', async () => {
    expect(mimiPlugin.languages?.[0]).toMatchObject({ name: 'mimi', parsers: ['mimi'], extensions: ['.mimi'] });
    const out = await prettier.format('role a {grant reader}\n', { filepath: 'policy.mimi', plugins: [mimiPlugin] });
    expect(out).toBe('role a { grant reader }\n');
    expect(await prettier.format('role a {grant reader}\n', { parser: 'mimi', plugins: [mimiPlugin], useTabs: true, printWidth: 10 })).toBe('role a {\n\tgrant reader\n}\n');
  });
});

describe('generated inputs', () => {
  const corpus = [...repoFiles().map((f) => ({ path: f, text: readFileSync(f, 'utf8') })), { path: '/virtual/main.mimi', text: MODEL_SOURCE }];
  const separators = [' ', '  ', '\n', '\n\n', '\n\n\n', '\t', '\n    '];
  const extraComments = ['/* c */', '// line\n', '/// doc\n', '/** doc */', '/*\n * star\n */', '/* multi\n line */'];

  /** Re-lay out every token of `text` with arbitrary whitespace and sprinkle in new comments. */
  function relayout(text: string, choices: number[]): string {
    const lexed = mimiLexer.tokenize(text);
    const tokens = [...lexed.tokens, ...(lexed.groups.comments ?? [])].sort((a, b) => a.startOffset - b.startOffset);
    let out = '';
    tokens.forEach((t, i) => {
      const c = choices[i % choices.length];
      out += t.image;
      if (t.image.startsWith('//')) out += '\n';
      if (c % 11 === 0) out += ` ${extraComments[(c >> 4) % extraComments.length]}`;
      out += separators[(c >> 2) % separators.length];
    });
    return out;
  }

  it('re-laid-out and commented variants of every repository file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), fc.integer({ min: 30, max: 120 }), async (i, choices, printWidth) => {
        const { path, text } = corpus[i];
        const variant = relayout(text, choices);
        expect(parse(variant, path).diagnostics).toEqual([]);
        await checkInvariants(variant, path, { printWidth });
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('decompiled random policies', async () => {
    await fc.assert(
      fc.asyncProperty(arbPolicy, fc.integer({ min: 30, max: 120 }), async (policy, printWidth) => {
        let text: string;
        try {
          text = decompile(policy);
        } catch {
          return; // not expressible in .mimi (the decompiler says so)
        }
        await checkInvariants(text, '/virtual/main.mimi', { printWidth });
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
