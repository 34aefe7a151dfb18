/**
 * The import boundaries in biome.jsonc exist and bite: the engine never imports the server or
 * the editor (nor express or React), the editor reaches the engine only through
 * '#engine/browser' and Node's built-in modules not at all, the server's wire contract
 * (server/api) stays browser-safe, and server, CLI and benchmarks use the engine's public
 * entry instead of relative paths into it.
 *
 * Each case is a one-import file written into a scratch directory laid out like the
 * repository (engine/…, editor/src/…), next to a biome.json that only `extends` the
 * repository's own biome.jsonc (and turns VCS off: the scratch directory is no git checkout).
 * The rules, their overrides and their file globs are therefore the real ones, not a copy,
 * and no fixture sits in the tree for `biome ci .` (or tsc) to trip over.
 *
 * Every fixture also carries a `debugger;` statement, which the recommended preset always
 * reports: a file missing from the report was never linted (say, a glob stopped matching),
 * and its "no boundary diagnostic" would prove nothing.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const biomeBin = path.join(repoRoot, 'node_modules/.bin/biome');

const RESTRICTED = 'lint/style/noRestrictedImports';
const NODE_MODULES = 'lint/correctness/noNodejsModules';
const CANARY = 'lint/suspicious/noDebugger';
const BOUNDARY_RULES = new Set([RESTRICTED, NODE_MODULES]);

interface Case {
  /** Where the fixture sits, as if in the repository. */
  file: string;
  /** The one import statement under test. */
  importLine: string;
  /** The boundary rule expected to fire; none means the import is allowed. */
  rule?: string;
  /** What the diagnostic's message must say (the way out it names). */
  message?: RegExp;
}

const cases: Case[] = [
  // The engine: nothing from server or editor, no web framework, no UI library.
  {
    file: 'engine/graph/reachesServer.ts',
    importLine: "import * as imported from '../../server/api/restTypes.ts';",
    rule: RESTRICTED,
    message: /engine never imports the server/,
  },
  {
    file: 'engine/core/wireTypes.ts',
    importLine: "import type * as imported from '#server/wire';",
    rule: RESTRICTED,
    message: /engine never imports the server/,
  },
  {
    file: 'engine/graph/reachesEditor.ts',
    importLine: "import * as imported from '../../editor/src/graph/flowTypes.ts';",
    rule: RESTRICTED,
    message: /never imports the editor/,
  },
  {
    file: 'engine/processors/usesExpress.ts',
    importLine: "import * as imported from 'express';",
    rule: RESTRICTED,
    message: /express belongs to server/,
  },
  {
    file: 'engine/processors/usesReact.ts',
    importLine: "import * as imported from 'react';",
    rule: RESTRICTED,
    message: /React and its kin to editor/,
  },
  {
    file: 'engine/graph/selfEntry.ts',
    importLine: "import * as imported from '#engine';",
    rule: RESTRICTED,
    message: /relative path/,
  },
  {
    file: 'engine/providers/openai/sibling.ts',
    importLine: "import * as imported from '../../core/frames.ts';",
  },
  { file: 'engine/providers/openai/socket.ts', importLine: "import * as imported from 'ws';" },
  { file: 'engine/services/files.ts', importLine: "import * as imported from 'node:fs';" },
  {
    // Only relative paths that climb into server/ are the server; a package's subpath is not.
    file: 'engine/providers/mcp/sdk.ts',
    importLine: "import * as imported from '@modelcontextprotocol/sdk/server/mcp.js';",
  },

  // The editor: the engine only through its browser-safe entry, the server only over the wire.
  {
    file: 'editor/src/panels/nodeEntry.ts',
    importLine: "import * as imported from '#engine';",
    rule: RESTRICTED,
    message: /'#engine\/browser'/,
  },
  {
    file: 'editor/src/graph/deepEngine.ts',
    importLine: "import * as imported from '../../../engine/graph/validateGraph.ts';",
    rule: RESTRICTED,
    message: /only through '#engine\/browser'/,
  },
  {
    file: 'editor/src/api/deepServer.ts',
    importLine: "import type * as imported from '../../../server/api/restTypes.ts';",
    rule: RESTRICTED,
    message: /'#server\/wire'/,
  },
  {
    file: 'editor/src/api/socket.ts',
    importLine: "import * as imported from 'ws';",
    rule: RESTRICTED,
    message: /runs in the browser/,
  },
  {
    file: 'editor/src/store/readsDisk.ts',
    importLine: "import * as imported from 'node:fs';",
    rule: NODE_MODULES,
  },
  {
    file: 'editor/src/store/bareBuiltin.ts',
    importLine: "import * as imported from 'path';",
    rule: NODE_MODULES,
  },
  {
    file: 'editor/src/graph/browserEntry.ts',
    importLine: "import * as imported from '#engine/browser';",
  },
  {
    file: 'editor/src/api/wire.ts',
    importLine: "import type * as imported from '#server/wire';",
  },
  { file: 'editor/src/canvas/ui.ts', importLine: "import * as imported from '@xyflow/react';" },

  // The wire contract the editor imports must itself stay browser-safe.
  {
    file: 'server/api/nodeEntry.ts',
    importLine: "import type * as imported from '#engine';",
    rule: RESTRICTED,
    message: /'#engine\/browser' only/,
  },
  { file: 'server/api/types.ts', importLine: "import type * as imported from '#engine/browser';" },

  // Server, CLI and benchmarks: the engine's public entry, never a path into it or the editor.
  {
    file: 'server/http/deepEngine.ts',
    importLine: "import * as imported from '../../engine/core/frames.ts';",
    rule: RESTRICTED,
    message: /public entry, '#engine'/,
  },
  {
    file: 'bench/suites/deepEngine.ts',
    importLine: "import * as imported from '../../engine/graph/GraphRunner.ts';",
    rule: RESTRICTED,
    message: /public entry, '#engine'/,
  },
  {
    file: 'server/http/editorSource.ts',
    importLine: "import * as imported from '../../editor/src/App.tsx';",
    rule: RESTRICTED,
    message: /Nothing imports the editor's source/,
  },
  { file: 'server/http/entry.ts', importLine: "import * as imported from '#engine';" },
  { file: 'bin/entry.ts', importLine: "import * as imported from '#engine';" },

  // Tests may reach into any module they test.
  {
    file: 'test/engine/internals.test.ts',
    importLine: "import * as imported from '../../engine/core/frames.ts';",
  },
];

interface Reported {
  file: string;
  rule: string;
  message: string;
}

/** Biome's rdjson report (Reviewdog's diagnostic format): one entry per diagnostic. */
interface RdjsonReport {
  diagnostics: Array<{ code: { value: string }; location: { path: string }; message: string }>;
}

function runBiome(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(biomeBin, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit status 1 means "diagnostics found", which every run here expects.
      if (error && typeof error.code !== 'number') return reject(error);
      if (!stdout.trim()) return reject(new Error(`biome wrote no report:\n${stderr}`));
      resolve(stdout);
    });
  });
}

describe('import boundaries (biome.jsonc)', () => {
  let scratch: string;
  let reported: Reported[];

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'parley-lint-'));
    const config = {
      root: true,
      extends: [path.join(repoRoot, 'biome.jsonc')],
      vcs: { enabled: false },
    };
    await writeFile(path.join(scratch, 'biome.json'), `${JSON.stringify(config, null, 2)}\n`);
    for (const c of cases) {
      const file = path.join(scratch, c.file);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `${c.importLine}\n\nexport const used = imported;\ndebugger;\n`);
    }
    const args = ['lint', '--reporter=rdjson', '--colors=off', '--max-diagnostics=none', '.'];
    const report = JSON.parse(await runBiome(scratch, args)) as RdjsonReport;
    reported = report.diagnostics.map((d) => ({
      file: d.location.path.split(path.sep).join('/'),
      rule: d.code.value,
      message: d.message,
    }));
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('lints every fixture with the repository configuration', () => {
    const linted = new Set(reported.filter((r) => r.rule === CANARY).map((r) => r.file));
    expect(cases.map((c) => c.file).filter((f) => !linted.has(f))).toEqual([]);
  });

  for (const c of cases) {
    const verdict = c.rule ? `fails with ${c.rule.split('/').pop()}` : 'passes';
    const specifier = c.importLine.replace(/^import (type )?\* as imported from (.*);$/, '$2');
    it(`${c.file}: import from ${specifier} ${verdict}`, () => {
      const found = reported.filter((r) => r.file === c.file && BOUNDARY_RULES.has(r.rule));
      if (!c.rule) {
        expect(found).toEqual([]);
        return;
      }
      expect(found.map((r) => r.rule)).toEqual([c.rule]);
      if (c.message) expect(found[0].message).toMatch(c.message);
    });
  }
});
