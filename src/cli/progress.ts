import { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, label: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /**
   * Off a terminal: the line an update stands for, printed when it differs from the last one
   * printed (undefined prints nothing). Default: `title done/total label`, one line per label
   * change.
   */
  readonly lineOf?: (done: number, total: number, label: string) => string | undefined;
}

/**
 * A progress bar on a terminal; on a pipe or in CI, one line per label change on stderr so
 * logs stay readable. Never writes to stdout, which carries results (`--json`).
 */
export function progress(total: number, title: string, options: ProgressOptions = {}): Progress {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${title} [{bar}] {percentage}% {value}/{total} {label}`,
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(total, 0, { label: '' });
    return { update: (done, label) => bar.update(done, { label }), stop: () => bar.stop() };
  }
  const lineOf = options.lineOf ?? ((done, n, label) => `${title} ${done}/${n} ${label}`);
  let last: string | undefined;
  let lastLabel: string | undefined;
  return {
    update: (done, label) => {
      if (options.lineOf === undefined && label === lastLabel) return;
      lastLabel = label;
      const line = lineOf(done, total, label);
      if (line !== undefined && line !== last) process.stderr.write(`${line}\n`);
      last = line ?? last;
    },
    stop: () => undefined,
  };
}
