import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** DuckDB decompresses a file by its name: `.gz` is gzip. */
export function isGzip(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * A source file that cannot be read to its end (truncated or damaged compression). The message
 * is for users: it never carries the engine's or zlib's raw text alone.
 */
export class SourceDamage extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceDamage';
  }
}

const CHUNK = 1 << 20;

function gzipProblem(label: string, e: NodeJS.ErrnoException): SourceDamage {
  const code = e.code ?? '';
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) {
    return new SourceDamage(
      `${label} is truncated: its gzip stream ends before it is complete (an interrupted copy or export?)`,
      { cause: e },
    );
  }
  if (code.startsWith('Z_')) {
    return new SourceDamage(`${label} is damaged: its gzip data does not decompress (zlib: ${e.message})`, {
      cause: e,
    });
  }
  return new SourceDamage(`${label} cannot be read to its end (${code || e.message})`, { cause: e });
}

/**
 * The file's bytes as they are meant to be read, streamed in chunks of about 1 MiB: decompressed
 * when the name ends in `.gz`, in which case zlib checks the whole stream (every block, the CRC
 * and the length) and a truncated or damaged file throws a SourceDamage naming it. Stops reading
 * when `signal` aborts.
 */
export async function* decodedChunks(
  path: string,
  label: string,
  signal?: AbortSignal,
): AsyncGenerator<Buffer, void, undefined> {
  const file = createReadStream(path, { highWaterMark: CHUNK, signal });
  const gzip = isGzip(path);
  const stream: Readable = gzip ? pipeline(file, createGunzip({ chunkSize: CHUNK }), () => undefined) : file;
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    if (signal?.aborted) throw e;
    if (gzip) throw gzipProblem(label, e as NodeJS.ErrnoException);
    throw new SourceDamage(
      `${label} cannot be read to its end (${(e as NodeJS.ErrnoException).code ?? 'I/O error'})`,
      {
        cause: e,
      },
    );
  } finally {
    stream.destroy();
    file.destroy();
  }
}

/** Reads the file through (checking a gzip stream whole); resolves with the decoded size. */
export async function drain(path: string, label: string, signal?: AbortSignal): Promise<number> {
  let bytes = 0;
  for await (const chunk of decodedChunks(path, label, signal)) bytes += chunk.length;
  return bytes;
}

/** Whether an engine error is about the file at `path` (DuckDB names the file it failed to read). */
export function mentions(e: unknown, path: string): boolean {
  const seen = new Set<unknown>();
  for (let x: unknown = e; x instanceof Error && !seen.has(x); x = x.cause) {
    seen.add(x);
    if (x.message.includes(path)) return true;
  }
  return false;
}
