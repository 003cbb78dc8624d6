/** The editor support of the scenario steps: completion of their words and hover on them. */
import { describe, expect, it } from 'vitest';
import { completions } from '../compiler/lsp/completion.js';
import { stepWordHover } from '../compiler/lsp/hover.js';
import { compileVirtual } from './harness.js';

const { symbols } = compileVirtual('role member @2 {}\nrole admin @3 {}\n');
const labels = (before: string) => completions(before, before.length, symbols).map((i) => i.label);
const scenario = (body: string) => `scenario "s" {\n  given { a: admin  b: member }\n  ${body}`;

describe('completion in scenario steps', () => {
  it('offers state checks after `expect <user>` and roles after `is`', () => {
    expect(labels(scenario('expect '))).toEqual(['allow', 'deny', 'participants']);
    expect(labels(scenario('expect b '))).toEqual(['is', 'in room', 'not in room', 'banned', 'not banned', 'clients']);
    expect(labels(scenario('expect b is '))).toEqual(['member', 'admin', 'none']);
  });
  it('offers `commit` as an action, and the changes, `to` and roles inside its block', () => {
    expect(labels(scenario('expect allow a '))).toContain('commit');
    expect(labels(scenario('expect allow a commit { '))).toEqual(['add', 'remove', 'changeRole', 'ban', 'unban']);
    expect(labels(scenario('expect allow a commit { changeRole b '))).toEqual(['to']);
    expect(labels(scenario('expect allow a commit { changeRole b to '))).toEqual(['member', 'admin', 'none']);
    expect(labels(scenario('expect allow a commit { changeRole b to admin; '))).toEqual(['add', 'remove', 'changeRole', 'ban', 'unban']);
    expect(labels(scenario('expect allow a commit {\n    remove b\n    '))).toEqual(['add', 'remove', 'changeRole', 'ban', 'unban']);
  });
});

describe('hover on scenario step words', () => {
  const r = compileVirtual(`role member @2 {}\nrole admin @3 {}\nscenario "s" {
  given { a: admin  b: member  x: @99 }
  expect allow a commit { changeRole b to admin }
  expect b not in room
  expect b is admin
  expect participants { a: admin }
}`);
  const file = r.files[0];
  const hover = (word: string, nth = 0) => {
    let at = -1;
    for (let i = 0; i <= nth; i++) at = file.text.indexOf(word, at + 1);
    return stepWordHover(file, at + 1)?.value;
  };
  it('explains commit, the checks, the list check and a role index', () => {
    expect(hover('commit')).toMatch(/^\*\*commit\*\* — .*all or nothing/);
    expect(hover('not in room')).toMatch(/`in room`: the user is listed and not in the banned role/);
    expect(hover(' is admin')).toMatch(/holds this role/);
    expect(hover('participants {')).toMatch(/^\*\*participant list check\*\*/);
    expect(hover('@99')).toMatch(/^\*\*role index\*\*/);
    expect(hover('changeRole')).toBeUndefined();
  });
});
