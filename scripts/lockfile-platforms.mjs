#!/usr/bin/env node
// Completes package-lock.json with the other platforms' optional binaries (biome, duckdb, rollup…).
//
// Why: this workplace's npm registry mirror holds only the linux packages, so `npm install` drops the
// rest from the lockfile, and `npm ci` then refuses the lockfile as out of sync with package.json.
// A stub entry with os/cpu/libc lets npm ci skip them on this platform, as it would with a full lock.
// Run it after every `npm install`: `node scripts/lockfile-platforms.mjs`.
import fs from 'node:fs';

const FILE = new URL('../package-lock.json', import.meta.url);
const OS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x'];

const lock = JSON.parse(fs.readFileSync(FILE, 'utf8'));
const packages = lock.packages;
const added = [];
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const parent = path === '' ? '' : `${path}/`;
    if (packages[`${parent}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
    const parts = name.split('/').at(-1).split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os || !cpu) continue; // not a platform binary: leave it to npm
    const entry = { version: range.replace(/^[\^~=]/, ''), cpu: [cpu], optional: true, os: [os] };
    if (parts.some((p) => p.startsWith('musl'))) entry.libc = ['musl'];
    else if (os === 'linux') entry.libc = ['glibc'];
    if (meta.dev) entry.dev = true;
    packages[`node_modules/${name}`] = entry;
    added.push(name);
  }
}
const root = packages[''];
delete packages[''];
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
lock.packages = { '': root, ...sorted };
fs.writeFileSync(FILE, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  added.length ? `added ${added.length} platform packages: ${added.join(', ')}` : 'lockfile complete',
);
