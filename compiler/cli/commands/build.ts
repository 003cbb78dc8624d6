import { DEFAULT_LIMITS } from '../../../runtime/limits.js';
import { COMPONENT_KINDS, COMMON_DIAG_OPTIONS, VERBOSE_OPTION, INPUT_LIMIT_OPTIONS, inputLimitHelp, type CommandInfo } from '../options.js';

export const buildCommand: CommandInfo = {
  name: 'build',
  summary: 'compile a policy to the MIMI wire format (and re-emit .bin/.json policies)',
  help: `Usage: mimi-policy build <file|-> --out <dir> [options]

Compiles a .mimi policy (or re-emits a .bin / .json one) and writes, into <dir>:
  <name>.roles.bin          RoleData (roles_list, 0x0025)
  <name>.preauth.bin        PreAuthData (preauth_list, 0x0026), when the policy has one
  <name>.base.bin           BaseRoomPolicy (base_room_policy, 0x0027)
  <name>.participants.bin   ParticipantListData (0x0022), when the policy lists participants
  <name>.history.bin        HistoryPolicy (chat_history_policy, 0x002E), when present
  <name>.policy.bin         the AppDataDictionary holding all of the above
  <name>.policy.json        the policy IR as JSON
  <name>.evaluator.ts       with --emit ts: the generated evaluator (no imports; tsc --strict clean)
A policy with errors produces no files at all; nor does an output that cannot be written (a
destination that is a directory, a folder that is not writable): every destination is checked
first, and if writing still fails midway the files already replaced are put back.

Options:
  -o, --out <dir>             output folder (required)
      --name <name>           base name of the files (default: the input's name, made of letters,
                              digits, '.', '_' and '-': \`rööm é.mimi\` gives \`room-e\`)
      --emit ts               also write <name>.evaluator.ts, the policy's generated evaluator
      --max-emit-bytes <n>    refuse --emit ts when the evaluator would be larger (estimated
                              before generating; default ${DEFAULT_LIMITS.maxEmitBytes.toLocaleString('en-US')})
  -f, --format <text|json>    report format (json: { outputs, diagnostics } on stdout)
  -q, --quiet                 errors only
      --verbose               every finding in full (default: errors in full, the rest counted in
                              one line; \`mimi-policy check\` shows them)
      --plain                 one line per diagnostic
      --deny-warnings         treat warnings as errors (and write nothing)
      --component <kind>      what a .bin input holds: ${COMPONENT_KINDS.join('|')}
      --max-diagnostics <n>   at most n diagnostics per code (default 100, 0 = all)
${inputLimitHelp(30)}
      --no-color              no ANSI colours
  -h, --help                  show this help

Exit codes: 0 written, 1 errors in the input (nothing written), 2 usage or I/O error (nothing written).`,
  options: {
    ...COMMON_DIAG_OPTIONS,
    ...INPUT_LIMIT_OPTIONS,
    out: { type: 'string', short: 'o' },
    name: { type: 'string' },
    component: { type: 'string' },
    emit: { type: 'string' },
    'max-emit-bytes': { type: 'string' },
    ...VERBOSE_OPTION,
  },
  load: async () => (await import('./build.run.js')).run,
};
