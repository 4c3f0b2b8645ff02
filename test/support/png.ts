/** A tiny PNG encoder for test chart images (GetMetricWidgetImage has no local emulator): a framed line chart. */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A width×height RGB PNG: white, grey frame and grid, one blue series of `values`. */
export function chartPng(values: readonly number[], width = 640, height = 280): Uint8Array {
  const px = Buffer.alloc(width * height * 3, 255);
  const set = (x: number, y: number, rgb: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (y * width + x) * 3;
    px[i] = rgb[0];
    px[i + 1] = rgb[1];
    px[i + 2] = rgb[2];
  };
  const grey: [number, number, number] = [208, 215, 222];
  for (let x = 40; x < width - 10; x++) for (const y of [20, 80, 140, 200, 250]) set(x, y, grey);
  for (let y = 20; y <= 250; y++) set(40, y, grey);
  const max = Math.max(...values, 1);
  const pts = values.map((v, i) => [
    40 + (i * (width - 60)) / Math.max(values.length - 1, 1),
    250 - (v / max) * 220,
  ]);
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1]!;
    const [x1, y1] = pts[i]!;
    const steps = Math.ceil(Math.max(Math.abs(x1! - x0!), Math.abs(y1! - y0!)));
    for (let s = 0; s <= steps; s++) {
      const x = Math.round(x0! + ((x1! - x0!) * s) / steps);
      const y = Math.round(y0! + ((y1! - y0!) * s) / steps);
      for (const d of [-1, 0, 1]) set(x, y + d, [9, 105, 218]);
    }
  }
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) px.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
