/**
 * Pass 1, resolve: the program's declarations (imports already loaded by compiler/resolve.ts) → the
 * symbol tables: private capabilities and credential types, packages with their capabilities
 * expanded, roles with their indexes, and each declared role's capabilities (`extends`, `grant`,
 * packages). Every name that does not resolve is reported here, with a suggestion.
 */
import type * as A from '../../grammar/index.js';
import type { SourceSpan } from '../../runtime/ir.js';
import { capabilityByName, hex16, isPrivateUse, PRIVATE_USE_MAX, PRIVATE_USE_MIN } from '../../runtime/registry.js';
import type { PassContext } from './context.js';

/** A declaration with the file it was read from. */
export interface InFile<D> {
  decl: D;
  file: string;
}

/** A declared role's capabilities: the wire list, where each was granted, and which only came by `extends`. */
export interface RoleCaps {
  caps: number[];
  grants: Map<number, SourceSpan>;
  inherited: Set<number>;
}

/** What the names of the program stand for. */
export interface Names {
  privateCapabilities: Map<string, { code: number; span: SourceSpan }>;
  credentialTypes: Map<string, number>;
  packageDecls: Map<string, InFile<A.PackageDecl>>;
  /** packages by name, their capabilities expanded (for symbols) */
  packages: Map<string, { decl: A.PackageDecl; span: SourceSpan; capabilities: number[]; required: boolean }>;
  /** declared roles with their indexes (hierarchy roles are added by the lower pass) */
  roles: Map<string, { index: number; span: SourceSpan; decl?: A.RoleDecl }>;
  /** declared roles in source order */
  roleDecls: InFile<A.RoleDecl>[];
  /** the code of a registered or declared capability */
  capabilityCode(name: string): number | undefined;
  /** a grant name (capability or package) → its codes, undefined if it names neither */
  grantCodes(name: string): number[] | undefined;
  /** all names a `grant` may use, and all capability names (for suggestions) */
  allGrantNames(): string[];
  capabilityNames(): string[];
  /**
   * A declared role's capabilities, resolved on first use (memoized) and reported then: the lower
   * pass asks role by role, so diagnostics come in source order, and the suggestion budget
   * (PassContext.hint) is spent in that order too.
   */
  roleCaps(name: string): RoleCaps;
}

export function resolveNames(ctx: PassContext): Names {
  const { items, hint } = ctx;
  const privateCapabilities: Names['privateCapabilities'] = new Map();
  const credentialTypes = new Map<string, number>();
  /** first declaration of each name in the grant namespace (capabilities and packages), for duplicate checks */
  const grantNames = new Map<string, SourceSpan>();

  // --- private capabilities and credential types ---------------------------------------------
  const privateByCode = new Map<number, string>();
  for (const item of items) {
    if (item.kind === 'CapabilityDecl') {
      const d = item;
      const { report, duplicate, at } = ctx.scopeOf(d);
      const code = d.code.value;
      if (capabilityByName.has(d.name.name)) {
        report('duplicate-declaration', `\`${d.name.name}\` is a registered capability (${hex16(capabilityByName.get(d.name.name)!.code)})`, d.name.span, { help: 'registered capabilities need no declaration; pick another name for a private one' });
        continue;
      }
      const first = grantNames.get(d.name.name);
      if (first) {
        duplicate('capability', d.name, first);
        continue;
      }
      if (code < PRIVATE_USE_MIN || code > PRIVATE_USE_MAX) {
        report('private-capability-range', `capability code \`${d.code.text}\` is outside the private-use range`, d.code.span, {
          help: `declared capabilities use ${hex16(PRIVATE_USE_MIN)}–${hex16(PRIVATE_USE_MAX)}; registered ones need no declaration`,
        });
        continue;
      }
      const clash = privateByCode.get(code);
      if (clash !== undefined) {
        report('duplicate-declaration', `capability code \`${d.code.text}\` is already used by \`${clash}\``, d.code.span, { labels: [{ span: privateCapabilities.get(clash)!.span, message: 'declared here' }] });
        continue;
      }
      const span = at(d.name.span);
      privateCapabilities.set(d.name.name, { code, span });
      privateByCode.set(code, d.name.name);
      grantNames.set(d.name.name, span);
    }
    if (item.kind === 'CredentialDecl') {
      const d = item;
      const { report, u16 } = ctx.scopeOf(d);
      if (credentialTypes.has(d.name.name)) {
        report('duplicate-declaration', `credential type \`${d.name.name}\` is already declared`, d.name.span);
        continue;
      }
      const code = u16(d.code, 'credential type');
      if (code !== undefined) credentialTypes.set(d.name.name, code);
    }
  }
  const capabilityCode = (name: string): number | undefined => capabilityByName.get(name)?.code ?? privateCapabilities.get(name)?.code;

  // --- packages --------------------------------------------------------------------------------
  const packageDecls = new Map<string, InFile<A.PackageDecl>>();
  for (const item of items) {
    if (item.kind !== 'Package') continue;
    const d = item;
    const { duplicate, at, file } = ctx.scopeOf(d);
    const first = grantNames.get(d.name.name);
    if (first || capabilityByName.has(d.name.name)) {
      duplicate(capabilityByName.has(d.name.name) ? 'capability' : 'name', d.name, first ?? at(d.name.span));
      continue;
    }
    grantNames.set(d.name.name, at(d.name.span));
    packageDecls.set(d.name.name, { decl: d, file });
  }
  const allGrantNames = () => [...capabilityByName.keys(), ...privateCapabilities.keys(), ...packageDecls.keys()];
  const capabilityNames = () => [...capabilityByName.keys(), ...privateCapabilities.keys()];
  const packages: Names['packages'] = new Map();
  const expanded = new Map<string, Set<number>>();
  const expandPackage = (name: string, stack: string[]): Set<number> => {
    const done = expanded.get(name);
    if (done) return done;
    const entry = packageDecls.get(name)!;
    const { report, at } = ctx.scope(entry.file);
    const out = new Set<number>();
    const visitRef = (ref: A.Ident, mustBePackage: boolean) => {
      if (packageDecls.has(ref.name)) {
        if (stack.includes(ref.name)) {
          report('package-cycle', `package cycle: ${[...stack.slice(stack.indexOf(ref.name)), ref.name].join(' → ')}`, ref.span);
          return;
        }
        for (const c of expandPackage(ref.name, [...stack, ref.name])) out.add(c);
        return;
      }
      const code = mustBePackage ? undefined : capabilityCode(ref.name);
      if (code !== undefined) return void out.add(code);
      report(mustBePackage ? 'unknown-package' : 'unknown-capability', mustBePackage ? `unknown package \`${ref.name}\`` : `unknown capability or package \`${ref.name}\``, ref.span, {
        help: mustBePackage ? hint('package', ref.name, () => packageDecls.keys()) : hint('grant', ref.name, allGrantNames),
      });
    };
    for (const inc of entry.decl.includes) visitRef(inc, true);
    for (const m of entry.decl.members) visitRef(m, false);
    expanded.set(name, out);
    packages.set(name, { decl: entry.decl, span: at(entry.decl.name.span), capabilities: [...out].sort((a, b) => a - b), required: entry.decl.required });
    return out;
  };
  for (const name of packageDecls.keys()) expandPackage(name, [name]);
  const grantCodes = (name: string): number[] | undefined => {
    const pkg = packageDecls.has(name) ? expanded.get(name) : undefined;
    if (pkg) return [...pkg];
    const code = capabilityCode(name);
    return code !== undefined ? [code] : undefined;
  };

  // --- roles: names and indexes ----------------------------------------------------------------
  const roles: Names['roles'] = new Map();
  const roleDecls: InFile<A.RoleDecl>[] = [];
  const roleDeclByName = new Map<string, InFile<A.RoleDecl>>();
  for (const item of items) {
    if (item.kind !== 'Role') continue;
    const d = item;
    const { duplicate, at, file } = ctx.scopeOf(d);
    const first = roles.get(d.name.name);
    if (first) {
      duplicate('role', d.name, first.span);
      continue;
    }
    roles.set(d.name.name, { index: -1, span: at(d.name.span), decl: d });
    const entry = { decl: d, file };
    roleDecls.push(entry);
    roleDeclByName.set(d.name.name, entry);
  }
  const taken = new Set<number>();
  for (const { decl, file } of roleDecls) {
    if (!decl.index) continue;
    const idx = ctx.scope(file).u32(decl.index, 'role index');
    if (idx === undefined) continue;
    roles.get(decl.name.name)!.index = idx;
    taken.add(idx);
  }
  let next = 2;
  for (const { decl } of roleDecls) {
    const sym = roles.get(decl.name.name)!;
    if (decl.index) continue;
    if (decl.name.name === 'banned' && !taken.has(1)) sym.index = 1;
    else {
      while (taken.has(next)) next++;
      sym.index = next;
    }
    taken.add(sym.index);
  }

  // --- roles: capabilities (extends, grants, packages) --------------------------------------------
  const roleCaps = new Map<string, RoleCaps>();
  /**
   * A role's capabilities. The `extends` chain above it is walked iteratively and resolved from the
   * top down, so a long chain costs neither deep recursion nor a copied stack per level.
   */
  const resolveRoleCaps = (name: string): RoleCaps => {
    const memo = roleCaps.get(name);
    if (memo) return memo;
    const chain = [name];
    const onChain = new Set(chain);
    for (let d = roleDeclByName.get(name)!.decl; ; ) {
      const parent = d.extends?.name;
      if (parent === undefined || d.items.some((i) => i.kind === 'ExactCapabilities') || !roleDeclByName.has(parent) || roleCaps.has(parent) || onChain.has(parent)) break;
      chain.push(parent);
      onChain.add(parent);
      d = roleDeclByName.get(parent)!.decl;
    }
    for (let i = chain.length - 1; i >= 0; i--) resolveOneRoleCaps(chain[i], chain, i);
    return roleCaps.get(name)!;
  };
  /** one role whose parent is resolved already, or is `chain[j]` for some j ≤ i (a cycle) */
  const resolveOneRoleCaps = (name: string, chain: readonly string[], i: number): void => {
    const entry = roleDeclByName.get(name)!;
    const d = entry.decl;
    const { report, at, u16 } = ctx.scope(entry.file);
    const grants = new Map<number, SourceSpan>();
    const inherited = new Set<number>();
    let caps: number[];
    const exact = d.items.filter((i): i is A.ExactCapabilitiesItem => i.kind === 'ExactCapabilities');
    const grantItems = d.items.filter((i): i is A.GrantItem => i.kind === 'Grant');
    if (exact.length > 0) {
      if (grantItems.length > 0 || d.extends || exact.length > 1) {
        report('exact-capabilities-conflict', '`capabilities [...]` gives the exact wire list and cannot be combined with `grant`, `extends` or another `capabilities`', exact[0].span, {
          help: 'use either `capabilities [...]` or `grant`/`extends`',
        });
      }
      caps = [];
      for (const ref of exact[0].refs) {
        let code: number | undefined;
        if (ref.kind === 'IntLit') {
          code = u16(ref, 'capability code');
          if (code !== undefined && isPrivateUse(code) && !privateByCode.has(code))
            report('undeclared-private-capability', `private-use capability \`${ref.text}\` is not declared`, ref.span, { help: `declare it: \`capability canSomething = ${hex16(code)}\`` });
        } else {
          code = capabilityCode(ref.name);
          if (code === undefined) report('unknown-capability', `unknown capability \`${ref.name}\``, ref.span, { help: hint('capability', ref.name, capabilityNames) });
        }
        if (code === undefined) continue;
        caps.push(code);
        if (!grants.has(code)) grants.set(code, at(ref.span));
      }
    } else {
      const set = new Set<number>();
      if (d.extends) {
        const parent = d.extends;
        if (!roles.has(parent.name)) {
          report('unknown-role', `unknown role \`${parent.name}\``, parent.span, { help: hint('declared role', parent.name, () => roles.keys()) });
        } else if (!roleCaps.has(parent.name)) {
          // not resolved yet while everything above `name` is: it is below on the chain, a cycle
          report('extends-cycle', `roles extend each other: ${[...chain.slice(chain.indexOf(parent.name), i + 1), parent.name].join(' → ')}`, parent.span);
        } else {
          const parentCaps = roleCaps.get(parent.name)!;
          for (const c of parentCaps.caps) {
            set.add(c);
            grants.set(c, at(parent.span));
            inherited.add(c);
          }
        }
      }
      const seen = new Map<string, A.Span>();
      for (const g of grantItems)
        for (const ref of g.refs) {
          const prev = seen.get(ref.name);
          if (prev) report('duplicate-grant', `\`${ref.name}\` is granted twice to role \`${d.name.name}\``, ref.span, { labels: [{ span: at(prev), message: 'first granted here' }] });
          seen.set(ref.name, ref.span);
          const codes = grantCodes(ref.name);
          if (!codes) {
            report('unknown-capability', `unknown capability or package \`${ref.name}\``, ref.span, { help: hint('grant', ref.name, allGrantNames) });
            continue;
          }
          for (const c of codes) {
            set.add(c);
            inherited.delete(c); // granted directly as well
            if (!grants.has(c)) grants.set(c, at(ref.span));
          }
        }
      caps = [...set].sort((a, b) => a - b);
    }
    roleCaps.set(name, { caps, grants, inherited });
  };

  return { privateCapabilities, credentialTypes, packageDecls, packages, roles, roleDecls, capabilityCode, grantCodes, allGrantNames, capabilityNames, roleCaps: resolveRoleCaps };
}
