import { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, label: string): void;
  stop(): void;
}

/**
 * A progress bar on a terminal; on a pipe or in CI, one line per label change on stderr so
 * logs stay readable. Never writes to stdout, which carries results (`--json`).
 */
export function progress(total: number, title: string): Progress {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${title} [{bar}] {percentage}% {value}/{total} {label}`,
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(total, 0, { label: '' });
    return { update: (done, label) => bar.update(done, { label }), stop: () => bar.stop() };
  }
  let last = '';
  return {
    update: (done, label) => {
      if (label !== last) process.stderr.write(`${title} ${done}/${total} ${label}\n`);
      last = label;
    },
    stop: () => undefined,
  };
}
