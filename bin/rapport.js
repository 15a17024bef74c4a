#!/usr/bin/env node
// The CLI is written in TypeScript and bundled by scripts/build.mjs into dist/cli/ (npm ci runs
// it as `prepare`). A clone whose build is missing or older than its sources is built here
// first, in about a second, so no step stands between a fresh clone and `npx rapport`.
import { ensureBuilt } from '../scripts/build.mjs';

if (process.env['DEBUG']) process.setSourceMapsEnabled(true);
try {
  await ensureBuilt();
} catch (e) {
  process.stderr.write(`rapport: building the CLI failed (node scripts/build.mjs):\n${e.message ?? e}\n`);
  process.exit(1);
}
await import('../dist/cli/main.js');
