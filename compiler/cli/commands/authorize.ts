import { QUIET_OPTION, VERBOSE_OPTION, COMPONENT_KINDS, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const authorizeCommand: CommandInfo = {
  name: 'authorize',
  summary: 'decide whether an action is allowed in a state (one action, or a batch of cases)',
  help: `Usage: mimi-policy authorize <policy> --state <state.json> --action <action.json> [options]
       mimi-policy authorize [<policy>] --cases <cases.jsonl> [options]

Decides with the reference interpreter whether an action may happen (docs/semantics.md).
<policy> is a .mimi source, a .bin wire file or a .json IR (\`-\`: stdin); a policy with errors is refused.

  state.json    { "participants": [ { "user": string, "role": number | roleName, "clients": number } ] }
  action.json   { "type", "actor", "target"?, "to"?, "clients"?, "via"?, "claims"?, "capability"? }
                type: add remove changeRole ban unban kick leave removeOwnClient addOwnClient
                      changeOwnRole join capability; via: open preauth code;
                claims: [ { "credentialType": number, "id": hex, "value": hex } ];
                capability: a name or a code
  cases.jsonl   one { "id"?, "policy"?, "participants", "action" } per line; "policy" is relative to
                the cases file and overrides <policy>; blank lines are skipped (line numbers count
                them); read as a stream, so the file may be any size; \`-\` reads stdin

JSON is read strictly: a key given twice in one object, nesting deeper than 1000, a lone surrogate
or bytes that are not UTF-8 are errors, located at line and column.

Output (text): \`allowed (rule): reason\` or \`denied (rule): reason\`; in batch mode one line per case.
Output (json): { "allowed": boolean, "rule": string, "reason": string } — in batch mode one line per
case, in order, with its "id"; a case that cannot be decided (malformed, or longer than
--max-json-bytes) gives { "id"?, "line", "error" } and the batch goes on.

Options:
      --state <file>          the participant list (single mode)
      --action <file>         the action (single mode)
      --cases <file>          JSON Lines of cases (batch mode)
  -f, --format <text|json>    output format (default text)
  -q, --quiet                 errors only
      --verbose               every finding of the policy in full (default: counted in one line)
      --component <kind>      what a .bin policy holds: ${COMPONENT_KINDS.join('|')}
${inputLimitHelp(30)}
      --plain                 one line per diagnostic of a refused policy
      --no-color              no ANSI colours
  -h, --help                  show this help

Exit codes: 0 every action decided (allowed or denied), 1 a refused policy or a malformed state,
action or case (the other cases of a batch are still decided), 2 usage or I/O error.`,
  options: {
    state: { type: 'string' },
    action: { type: 'string' },
    cases: { type: 'string' },
    format: { type: 'string', short: 'f' },
    component: { type: 'string' },
    ...INPUT_LIMIT_OPTIONS,
    plain: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    ...QUIET_OPTION,
    ...VERBOSE_OPTION,
  },
  load: async () => (await import('./authorize.run.js')).run,
};
