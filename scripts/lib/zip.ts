/**
 * A deterministic zip writer: entries sorted by name, fixed timestamps (1980-01-01 00:00) and permissions, so
 * the same files always give the same bytes and the same content hash.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const UNIX_FILE_MODE = 0o100644;

export function deterministicZip(entries: readonly ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of sorted) {
    const name = Buffer.from(e.name, 'utf8');
    const compressed = deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    // The fields the local header and the central directory entry share, in the same order.
    const common = (buf: Buffer, at: number): void => {
      buf.writeUInt16LE(20, at); // version needed
      buf.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      buf.writeUInt16LE(8, at + 4); // deflate
      buf.writeUInt16LE(DOS_TIME, at + 6);
      buf.writeUInt16LE(DOS_DATE, at + 8);
      buf.writeUInt32LE(crc, at + 10);
      buf.writeUInt32LE(compressed.length, at + 14);
      buf.writeUInt32LE(e.data.length, at + 18);
      buf.writeUInt16LE(name.length, at + 22);
      buf.writeUInt16LE(0, at + 24); // extra
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local, 4);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: unix, 2.0
    common(central, 6);
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attrs
    central.writeUInt32LE((UNIX_FILE_MODE << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((s, b) => s + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
