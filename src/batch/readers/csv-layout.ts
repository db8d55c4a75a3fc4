/**
 * Where a CSV file's data starts and how its records end, as csv-parse decides them: after a
 * byte-order mark and the header record, and with the record separator the header ends with
 * (LF, CRLF or CR; any other line end in the file is then data). The reader hands these to the
 * backend's csvColumns kernel. Only the header's bytes are looked at here.
 */
import { open } from 'node:fs/promises';

export interface CsvLayout {
  /** Byte offset of the first data record (the file's size for a header-only file). */
  dataStart: number;
  /** 0: LF, 1: CRLF, 2: CR (as Backend.csvColumns takes it). */
  lineEnd: 0 | 1 | 2;
  /** Lines the header spans (more than 1 only when a quoted name holds a line break). */
  headerLines: number;
}

const BLOCK = 1 << 16;

export async function csvLayout(path: string): Promise<CsvLayout> {
  const file = await open(path, 'r');
  try {
    let bytes = new Uint8Array(0);
    let eof = false;
    let start = -1;
    for (;;) {
      if (!eof) {
        const block = new Uint8Array(BLOCK);
        const { bytesRead } = await file.read(block, 0, BLOCK, bytes.length);
        if (bytesRead === 0) eof = true;
        const grown = new Uint8Array(bytes.length + bytesRead);
        grown.set(bytes);
        grown.set(block.subarray(0, bytesRead), bytes.length);
        bytes = grown;
      }
      if (start < 0) start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      let quoted = false;
      let newlines = 0; // inside quotes
      for (let i = start; i < bytes.length; i++) {
        const c = bytes[i];
        if (c === 0x22) quoted = !quoted; // "" toggles twice: still inside
        else if (!quoted && c === 0x0a) return { dataStart: i + 1, lineEnd: 0, headerLines: newlines + 1 };
        else if (!quoted && c === 0x0d) {
          if (i + 1 === bytes.length && !eof) break; // CR or CRLF: the next block tells
          return bytes[i + 1] === 0x0a ? { dataStart: i + 2, lineEnd: 1, headerLines: newlines + 1 } : { dataStart: i + 1, lineEnd: 2, headerLines: newlines + 1 };
        } else if (c === 0x0a) newlines++;
      }
      if (eof) return { dataStart: bytes.length, lineEnd: 0, headerLines: 1 };
    }
  } finally {
    await file.close();
  }
}
