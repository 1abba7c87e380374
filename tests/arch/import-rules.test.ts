/**
 * The layering of ARCHITECTURE.md §5, enforced.
 *
 * Every .ts / .svelte file under engine/, recorder/, replayer/, api/ and ui/ is parsed with
 * the TypeScript compiler (for .svelte, the <script> blocks). Every module reference —
 * `import … from`, `export … from`, `import x = require()`, `require()`, dynamic `import()`
 * and `import('…')` types — is resolved to a repo-relative file and checked against the
 * rule of the importing file's layer (first matching `files` glob in LAYER_RULES wins).
 * On top of that, engine/ is pure: no Node built-ins (one exception, NODE_MODULES_ALLOWED)
 * and none of ENGINE_FORBIDDEN (clocks, timers, randomness, the process object) in code
 * outside comments and string literals.
 *
 * Decisions beyond the written rules:
 * - Rules are about direct imports; what a permitted module imports is checked in its own file.
 * - Type-only imports count: a type dependency is a design dependency. The only exception
 *   is the UI, which may take *types* from anywhere in api/ ("API types" in §5, e.g. the
 *   Hono route type for a typed client).
 * - *.test.ts files follow their layer's rule plus `testsMayImport` (a KMD test drives a
 *   real hardware model; a replayer test records a capture first), are exempt from the
 *   node-module rule (fixtures) and from ENGINE_FORBIDDEN (tests may time things).
 * - Package imports (bare specifiers) are not layered; Node built-ins are, under engine/.
 * - A file no rule covers is itself a violation, so a new folder must be added here.
 * - A dynamic import() whose specifier is not a string literal cannot be checked and is
 *   reported.
 *
 * Globs: `*` matches within one path segment, `**` any number of segments.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// ─── The rules ────────────────────────────────────────────────────────────────

interface LayerRule {
  /** Name used in reports. */
  readonly layer: string;
  /** The files this rule governs (repo-relative glob). */
  readonly files: string;
  /** What those files may import (repo-relative globs of target files). */
  readonly mayImport: readonly string[];
  /** Further targets allowed for type-only imports. */
  readonly mayImportTypes?: readonly string[];
  /** Further targets allowed from *.test.ts files. */
  readonly testsMayImport?: readonly string[];
}

/** The command-stream and shader ISA tables: the one declarative description of both ISAs. */
const HW_ISA_TABLES = ['engine/hw/isa.ts', 'engine/hw/cs-isa.ts', 'engine/hw/shader-isa.ts'];

/** Ordered: the first rule whose `files` matches a file governs it. */
const LAYER_RULES: readonly LayerRule[] = [
  {
    layer: 'engine/hw',
    files: 'engine/hw/**',
    mayImport: ['engine/hw/**', 'engine/base/**', 'engine/trace/**'],
    testsMayImport: ['engine/**'],
  },
  {
    layer: 'engine/kmd',
    files: 'engine/kmd/**',
    mayImport: [
      'engine/kmd/**',
      'engine/hw/bus.ts', // the bus interface: MMIO, doorbells, IRQ lines, GPU memory
      'engine/hw/*-regs.ts', // register maps
      'engine/hw/gpu-fault.ts', // fault codes read from the fault-status registers
      // The kernel writes its own ring code (call user stream, flush, signal), as panthor
      // does: the CS instruction table is part of the hardware's programming interface.
      'engine/hw/isa.ts',
      'engine/hw/cs-isa.ts',
      'engine/base/**',
      'engine/trace/**',
    ],
    testsMayImport: ['engine/**'],
  },
  {
    layer: 'engine/umd',
    files: 'engine/umd/**',
    mayImport: [
      'engine/umd/**',
      'engine/kmd/uapi.ts',
      'engine/kmd/uapi/**',
      ...HW_ISA_TABLES,
      'engine/hw/job-descriptors.ts',
      'engine/base/**',
      'engine/trace/**',
    ],
    testsMayImport: ['engine/**'],
  },
  {
    layer: 'engine/apps',
    files: 'engine/apps/**',
    mayImport: ['engine/apps/**', 'engine/umd/**', 'engine/base/**'],
    testsMayImport: ['engine/**'],
  },
  {
    layer: 'engine/base',
    files: 'engine/base/**',
    mayImport: ['engine/base/**'],
  },
  {
    layer: 'engine/trace',
    files: 'engine/trace/**',
    mayImport: ['engine/trace/**', 'engine/base/**'],
    testsMayImport: ['engine/**'],
  },
  {
    layer: 'engine (top level: stack.ts, session.ts)',
    files: 'engine/*',
    mayImport: ['engine/**'],
  },
  {
    layer: 'recorder',
    files: 'recorder/**',
    mayImport: ['recorder/**', 'engine/**'],
  },
  {
    layer: 'replayer',
    files: 'replayer/**',
    mayImport: ['replayer/**', 'recorder/capture/**', 'engine/**'],
    testsMayImport: ['recorder/**'],
  },
  {
    layer: 'api',
    files: 'api/**',
    mayImport: ['api/**', 'recorder/**', 'replayer/**', 'engine/trace/**'],
    testsMayImport: ['engine/**'],
  },
  {
    layer: 'ui',
    files: 'ui/**',
    mayImport: ['ui/**', 'engine/trace/**', ...HW_ISA_TABLES, 'api/contract.ts', 'api/types.ts', 'api/types/**'],
    mayImportTypes: ['api/**'],
    testsMayImport: ['api/**'],
  },
];

/** Folders whose files are checked. */
const SCANNED_ROOTS = ['engine', 'recorder', 'replayer', 'api', 'ui'];

/** engine/ imports no Node built-in, except these (specifier → the only file allowed to). */
const NODE_MODULES_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'node:crypto': ['engine/base/hash.ts'], // synchronous SHA-256 for state hashes
};

/** Nondeterminism sources engine/ code may not mention (outside comments and strings). */
const ENGINE_FORBIDDEN: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp; readonly why: string }> = [
  { name: 'Date', pattern: /(?<![\w$])Date(?![\w$])/g, why: 'wall clock' },
  { name: 'Math.random', pattern: /(?<![\w$])Math\s*\.\s*random(?![\w$])/g, why: 'unseeded randomness (use base/rng)' },
  { name: 'setTimeout', pattern: /(?<![\w$])setTimeout(?![\w$])/g, why: 'host timer (use base/sim)' },
  { name: 'setInterval', pattern: /(?<![\w$])setInterval(?![\w$])/g, why: 'host timer (use base/sim)' },
  { name: 'setImmediate', pattern: /(?<![\w$])setImmediate(?![\w$])/g, why: 'host timer (use base/sim)' },
  { name: 'performance.now', pattern: /(?<![\w$])performance\s*\.\s*now(?![\w$])/g, why: 'wall clock' },
  { name: 'process.', pattern: /(?<![\w$.])process\s*\./g, why: 'host process state' },
];

// ─── The checker ──────────────────────────────────────────────────────────────

interface Source {
  /** Repo-relative, forward slashes. */
  readonly path: string;
  readonly text: string;
}

interface Violation {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

interface ModuleRef {
  readonly specifier: string | undefined; // undefined: computed dynamic import
  readonly line: number;
  readonly typeOnly: boolean;
}

const globCache = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  const cached = globCache.get(glob);
  if (cached) return cached;
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else {
        re += '.*';
      }
    } else if (c === '*') {
      re += '[^/]*';
    } else {
      re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const compiled = new RegExp(`^${re}$`);
  globCache.set(glob, compiled);
  return compiled;
}

function matchesAny(file: string, globs: readonly string[] | undefined): boolean {
  return (globs ?? []).some((g) => globToRegExp(g).test(file));
}

function ruleFor(file: string): LayerRule | undefined {
  return LAYER_RULES.find((r) => globToRegExp(r.files).test(file));
}

function isTestFile(file: string): boolean {
  return /\.test\.ts$/.test(file);
}

function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  const head = specifier.split('/')[0]!;
  return builtinModules.includes(specifier) || builtinModules.includes(head);
}

/** Svelte: keep only <script> contents, blanking the rest so offsets and lines stay put. */
function scriptText(file: string, text: string): string {
  if (!file.endsWith('.svelte')) return text;
  const keep = new Array<boolean>(text.length).fill(false);
  for (const m of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = m.index + m[0].indexOf('>') + 1;
    for (let i = start; i < start + m[1]!.length; i++) keep[i] = true;
  }
  return text.split('').map((ch, i) => (keep[i] || ch === '\n' ? ch : ' ')).join('');
}

function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, scriptText(file, text), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** Every module reference in a file, with its line and whether it is type-only. */
function moduleRefs(sf: ts.SourceFile): ModuleRef[] {
  const refs: ModuleRef[] = [];
  const add = (specNode: ts.Node, typeOnly: boolean): void => {
    refs.push({ specifier: stringValue(specNode), line: lineOf(sf, specNode.getStart(sf)), typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allNamedAreTypes =
        !!clause && !clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, clause?.phaseModifier === ts.SyntaxKind.TypeKeyword || allNamedAreTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const allNamedAreTypes = !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || allNamedAreTypes);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || (isRequire && node.arguments.length === 1)) {
        add(node.arguments[0] ?? node, false);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/**
 * The file's text with comments and the contents of string, template and regex literals
 * replaced by spaces (newlines kept), so a regex over it sees only code, at the same offsets.
 */
function codeOnly(sf: ts.SourceFile): string {
  const text = sf.text;
  const out = text.split(''); // UTF-16 units, to keep the parser's offsets
  const blank = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  const literalInner: Partial<Record<ts.SyntaxKind, readonly [number, number]>> = {
    [ts.SyntaxKind.StringLiteral]: [1, 1],
    [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: [1, 1],
    [ts.SyntaxKind.TemplateHead]: [1, 2],
    [ts.SyntaxKind.TemplateMiddle]: [1, 2],
    [ts.SyntaxKind.TemplateTail]: [1, 1],
    [ts.SyntaxKind.RegularExpressionLiteral]: [1, 1],
  };
  const visit = (node: ts.Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(sf);
    if (children.length > 0) {
      for (const child of children) visit(child);
      return;
    }
    // A token: everything between its full start and its start is trivia (spaces, comments).
    const start = node.getStart(sf);
    blank(node.pos, start);
    const inner = literalInner[node.kind];
    if (inner) blank(start + inner[0], node.end - inner[1]);
  };
  visit(sf);
  return out.join('');
}

/**
 * Resolve a relative (or repo-root `/…`) specifier to a repo-relative file path, the way
 * the bundler resolution does: `./x.js` → `x.ts`, `./x` → `x.ts` or `x/index.ts`.
 * Returns undefined for packages. When no candidate exists, returns the likeliest path.
 */
function resolveSpecifier(fromFile: string, specifier: string, fileExists: (p: string) => boolean): string | undefined {
  let joined: string;
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
  } else if (specifier.startsWith('/')) {
    joined = path.posix.normalize(specifier.slice(1));
  } else {
    return undefined;
  }
  const stem = joined.replace(/\.(?:js|mjs|cjs|jsx)$/, '');
  const candidates = [joined, `${stem}.ts`, `${stem}.tsx`, `${stem}.svelte.ts`, `${joined}/index.ts`];
  const found = candidates.find(fileExists);
  if (found) return found;
  return /\.(?:ts|tsx|svelte|json|css)$/.test(joined) ? joined : `${stem}.ts`;
}

function describeRule(rule: LayerRule): string {
  const types = rule.mayImportTypes ? `; types also from ${rule.mayImportTypes.join(', ')}` : '';
  return `${rule.layer} may import only ${rule.mayImport.join(', ')}${types}`;
}

function checkSources(sources: readonly Source[], fileExists: (p: string) => boolean): Violation[] {
  const violations: Violation[] = [];
  for (const { path: file, text } of sources) {
    const rule = ruleFor(file);
    if (!rule) {
      violations.push({ file, line: 1, rule: 'coverage', message: 'no layer rule covers this file (add one to LAYER_RULES)' });
      continue;
    }
    const isTest = isTestFile(file);
    const inEngine = file.startsWith('engine/');
    const sf = parse(file, text);

    for (const ref of moduleRefs(sf)) {
      const at = { file, line: ref.line };
      if (ref.specifier === undefined) {
        violations.push({ ...at, rule: describeRule(rule), message: 'module specifier is not a string literal, so it cannot be checked' });
        continue;
      }
      if (isNodeBuiltin(ref.specifier)) {
        const allowedFrom = NODE_MODULES_ALLOWED[ref.specifier];
        if (inEngine && !isTest && !allowedFrom?.includes(file)) {
          violations.push({
            ...at,
            rule: 'engine/ is pure: no Node built-ins (node:crypto only in engine/base/hash.ts)',
            message: `imports ${ref.specifier}`,
          });
        }
        continue;
      }
      const target = resolveSpecifier(file, ref.specifier, fileExists);
      if (target === undefined) continue; // a package
      if (target.startsWith('../') || target === '..') {
        violations.push({ ...at, rule: 'imports stay inside the repository', message: `imports ${ref.specifier}` });
        continue;
      }
      const allowed =
        matchesAny(target, rule.mayImport) ||
        (ref.typeOnly && matchesAny(target, rule.mayImportTypes)) ||
        (isTest && matchesAny(target, rule.testsMayImport));
      if (!allowed) {
        violations.push({ ...at, rule: describeRule(rule), message: `imports ${target}${ref.typeOnly ? ' (type-only)' : ''}` });
      }
    }

    if (inEngine && !isTest) {
      const code = codeOnly(sf);
      for (const forbidden of ENGINE_FORBIDDEN) {
        for (const m of code.matchAll(forbidden.pattern)) {
          violations.push({
            file,
            line: lineOf(sf, m.index),
            rule: `engine/ is deterministic: no ${forbidden.name} (${forbidden.why})`,
            message: `uses ${forbidden.name}`,
          });
        }
      }
    }
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: ${v.message} — ${v.rule}`;
}

// ─── The repository ───────────────────────────────────────────────────────────

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage']);

function isFile(repoPath: string): boolean {
  try {
    return statSync(path.join(REPO_ROOT, repoPath)).isFile();
  } catch {
    return false;
  }
}

function listSources(): Source[] {
  const sources: Source[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true });
    } catch {
      return; // a layer that does not exist yet
    }
    for (const entry of entries) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) walk(rel);
      } else if (entry.isFile() && /\.(?:ts|svelte)$/.test(entry.name)) {
        sources.push({ path: rel, text: readFileSync(path.join(REPO_ROOT, rel), 'utf8') });
      }
    }
  };
  for (const root of SCANNED_ROOTS) walk(root);
  return sources.sort((a, b) => a.path.localeCompare(b.path));
}

// ─── Tests ────────────────────────────────────────────────────────────────────

describe('architecture rules (ARCHITECTURE.md §5)', () => {
  it('every engine/, recorder/, replayer/, api/ and ui/ file respects its layer', () => {
    const sources = listSources();
    // Guard against a scan that silently finds nothing (wrong root, renamed folders).
    expect(sources.map((s) => s.path)).toContain('engine/base/sim.ts');
    const violations = checkSources(sources, isFile).map(formatViolation);
    expect(violations, `\n${violations.join('\n')}\n`).toEqual([]);
  });

  describe('the checker itself, on in-memory files', () => {
    const existing = new Set([
      'engine/kmd/sched.ts',
      'engine/kmd/uapi.ts',
      'engine/hw/mmu.ts',
      'engine/hw/mmu-regs.ts',
      'engine/hw/bus.ts',
      'engine/hw/cs-isa.ts',
      'engine/base/sim.ts',
      'engine/trace/events.ts',
      'engine/umd/device.ts',
      'recorder/capture/reader.ts',
      'recorder/record-session.ts',
      'api/app.ts',
      'api/contract.ts',
    ]);
    const check = (file: string, text: string): string[] => checkSources([{ path: file, text }], (p) => existing.has(p)).map(formatViolation);

    it('reports a UMD import of KMD internals, and accepts the uAPI', () => {
      expect(check('engine/umd/queue.ts', "import { Scheduler } from '../kmd/sched.js';\n")).toEqual([
        'engine/umd/queue.ts:1: imports engine/kmd/sched.ts — ' + describeRule(ruleFor('engine/umd/queue.ts')!),
      ]);
      expect(check('engine/umd/queue.ts', "import { DRM_IOCTL_PANTHOR_SUBMIT } from '../kmd/uapi';\nimport { csIsa } from '../hw/cs-isa.js';\n")).toEqual([]);
    });

    it('sees export-from, dynamic import(), type-only imports and import types', () => {
      const text = [
        "export { Sim } from '../kmd/sched';", // 1: bad
        "const m = await import('../hw/mmu.js');", // 2: bad
        "import type { Bo } from '../kmd/sched.ts';", // 3: bad even though type-only
        "let x: import('../../recorder/record-session.js').RecordSession;", // 4: bad
        "const n = await import(name);", // 5: unverifiable
        "import { uapi } from '../kmd/uapi.js';", // good
      ].join('\n');
      expect(check('engine/umd/device.ts', text).map((v) => v.split(':').slice(0, 2).join(':'))).toEqual([
        'engine/umd/device.ts:1',
        'engine/umd/device.ts:2',
        'engine/umd/device.ts:3',
        'engine/umd/device.ts:4',
        'engine/umd/device.ts:5',
      ]);
    });

    it('lets the KMD see only the bus, register maps and fault codes of the hardware', () => {
      expect(check('engine/kmd/mmu.ts', "import { AS_COMMAND } from '../hw/mmu-regs.js';\nimport type { Bus } from '../hw/bus.js';\n")).toEqual([]);
      expect(check('engine/kmd/mmu.ts', "import { Mmu } from '../hw/mmu.js';\n")).toHaveLength(1);
    });

    it('keeps engine/base at the bottom and Node built-ins out of the engine', () => {
      expect(check('engine/base/bytes.ts', "import { Sim } from './sim.js';\n")).toEqual([]);
      expect(check('engine/base/bytes.ts', "import { ev } from '../trace/events.js';\n")).toHaveLength(1);
      expect(check('engine/base/hash.ts', "import { createHash } from 'node:crypto';\n")).toEqual([]);
      expect(check('engine/base/other.ts', "import { createHash } from 'node:crypto';\n")).toHaveLength(1);
      expect(check('engine/hw/dump.ts', "import { writeFileSync } from 'fs';\n")).toHaveLength(1);
      expect(check('recorder/writer.ts', "import { writeFileSync } from 'node:fs';\n")).toEqual([]);
    });

    it('finds clocks, timers and randomness in engine code but not in comments, strings or tests', () => {
      const text = [
        '// Date.now() would break replay; so would setTimeout', // comment: ignored
        "const label = 'Math.random and process.env';", // string: ignored
        'const t = Date.now();', // 3
        'const r = Math.random();', // 4
        '/* performance.now() */ setTimeout(() => {}, 1);', // 5
        'const e = process.env.SEED;', // 6
        'const ok = sim.nowNs + updateDate + myprocess.x;', // identifiers that merely contain the words
        'const s = `at ${performance.now()} ms`;', // 8: inside a template substitution is code
      ].join('\n');
      const found = check('engine/hw/clock.ts', text).map((v) => v.split(' — ')[0]);
      expect(found).toEqual([
        'engine/hw/clock.ts:3: uses Date',
        'engine/hw/clock.ts:4: uses Math.random',
        'engine/hw/clock.ts:5: uses setTimeout',
        'engine/hw/clock.ts:6: uses process.',
        'engine/hw/clock.ts:8: uses performance.now',
      ]);
      expect(check('engine/hw/clock.test.ts', 'const t0 = performance.now(); setTimeout(() => {}, 1);\n')).toEqual([]);
      expect(check('recorder/writer.ts', 'const createdAt = Date.now();\n')).toEqual([]);
    });

    it('applies the outer layers: replayer, api, ui', () => {
      expect(check('replayer/replay-session.ts', "import { open } from '../recorder/capture/reader.js';\n")).toEqual([]);
      expect(check('replayer/replay-session.ts', "import { rec } from '../recorder/record-session.js';\n")).toHaveLength(1);
      expect(check('replayer/replay-session.test.ts', "import { rec } from '../recorder/record-session.js';\n")).toEqual([]);
      expect(check('api/routes/events.ts', "import { ev } from '../../engine/trace/events.js';\n")).toEqual([]);
      expect(check('api/routes/events.ts', "import { Sim } from '../../engine/base/sim.js';\n")).toHaveLength(1);
      expect(check('ui/src/core/client.ts', "import type { AppType } from '../../../api/app.js';\nimport { routes } from '../../../api/contract.js';\n")).toEqual([]);
      expect(check('ui/src/core/client.ts', "import { app } from '../../../api/app.js';\n")).toHaveLength(1);
      expect(
        check('ui/src/views/Timeline.svelte', "<div>import x from '../../../recorder/x'</div>\n<script lang=\"ts\">\n  import { ev } from '../../../engine/trace/events';\n  import { Sim } from '../../../engine/base/sim';\n</script>\n"),
      ).toEqual(['ui/src/views/Timeline.svelte:4: imports engine/base/sim.ts — ' + describeRule(ruleFor('ui/x.ts')!)]);
    });

    it('reports files that no rule covers', () => {
      expect(check('engine/newblock/x.ts', '')).toHaveLength(1);
      expect(check('engine/stack.ts', "import { Umd } from './umd/device.js';\nimport { Kmd } from './kmd/sched.js';\n")).toEqual([]);
    });
  });
});
