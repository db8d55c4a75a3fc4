/**
 * ArtifactStore: content-addressed files. An artifact is stored once under the SHA-256 of its
 * bytes (ROOT/sha256/ab/abcdef…), written atomically (temporary file, fsync, rename), and
 * checked against its hash every time it is read. The registry writes a version's artifacts
 * before the transaction that records the version, so a crash may leave an unreferenced file,
 * never a version whose artifact is missing or torn. With PostgreSQL and several machines the
 * root must be shared storage (a network file system, a mounted volume).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactIntegrityError, typeError } from '../errors.js';
import { isStaleTemporary, writeFileAtomic } from '../persist/atomic-write.js';

export interface StoredArtifact {
  sha256: string;
  size: number;
}

/** The SHA-256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Content-addressed artifact files under one root directory (see the file comment). */
export class ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    if (typeof root !== 'string' || root.length === 0) throw typeError('a directory path', 'artifacts', root);
    this.root = root;
    mkdirSync(join(root, 'sha256'), { recursive: true });
    this.removeStaleTemporaries();
  }

  /** Where the artifact with this hash lives. */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw typeError('a SHA-256 in lower-case hex', 'sha256', sha256);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  /**
   * Stores bytes once: when a file with their hash is already there and still holds them, nothing
   * is written; one that was damaged since is replaced (registering the same bytes repairs it).
   * Returns their hash and size.
   */
  put(bytes: Uint8Array): StoredArtifact {
    const sha256 = sha256Hex(bytes);
    const path = this.pathOf(sha256);
    if (!this.holds(path, sha256, bytes.byteLength)) {
      mkdirSync(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
      writeFileAtomic(path, bytes);
    }
    return { sha256, size: bytes.byteLength };
  }

  /** The bytes stored under sha256, verified; ArtifactIntegrityError when missing or changed. */
  get(sha256: string): Uint8Array {
    const path = this.pathOf(sha256);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new ArtifactIntegrityError(sha256, path, `cannot be read (${(error as { code?: string }).code ?? (error as Error).message})`);
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new ArtifactIntegrityError(sha256, path, `its bytes hash to ${actual.slice(0, 12)}…, not to the SHA-256 recorded at registration`);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private holds(path: string, sha256: string, size: number): boolean {
    try {
      return statSync(path).size === size && sha256Hex(readFileSync(path)) === sha256;
    } catch {
      return false; // not there (yet)
    }
  }

  /** True when the artifact's file exists (without reading it). */
  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  /** Removes temporary files left by writers that were killed (those of live processes stay). */
  private removeStaleTemporaries(): void {
    const base = join(this.root, 'sha256');
    for (const dir of readdirSync(base)) {
      const path = join(base, dir);
      if (!statSync(path).isDirectory()) continue;
      for (const name of readdirSync(path)) if (isStaleTemporary(name)) rmSync(join(path, name), { force: true });
    }
  }
}
