#!/usr/bin/env node
// The CLI is written in TypeScript and run through tsx, so no build step stands between a
// fresh clone and `npx rapport`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
