import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `rapport` binary as a user would. Asynchronous on purpose: a synchronous spawn
 * blocks the test worker's event loop for the whole run, and vitest's RPC to the worker times
 * out when that lasts long enough.
 */
export function rapport(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'rapport.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export interface RunningCli {
  /** Standard output and error so far. */
  readonly output: () => { stdout: string; stderr: string };
  /** Ends the process (SIGTERM) and resolves with everything it printed. */
  readonly stop: () => Promise<CliResult>;
}

/**
 * Starts `rapport` (a server, say) and resolves once its standard error matches `ready`;
 * rejects when it exits first or after `timeoutMs`. The caller stops it.
 */
export function startRapport(
  args: string[],
  ready: RegExp,
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'rapport.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let started = false;
    const closed = new Promise<number | null>((done) => child.on('close', done));
    const running: RunningCli = {
      output: () => ({ stdout, stderr }),
      stop: async () => {
        child.kill('SIGTERM');
        const status = await closed;
        return { status, stdout, stderr };
      },
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rapport ${args.join(' ')} printed no ${ready} in time:\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (!started && ready.test(stderr)) {
        started = true;
        clearTimeout(timer);
        resolve(running);
      }
    });
    child.on('error', reject);
    void closed.then((status) => {
      clearTimeout(timer);
      if (!started)
        reject(new Error(`rapport ${args.join(' ')} exited (${status}) before ${ready}:\n${stderr}`));
    });
  });
}
