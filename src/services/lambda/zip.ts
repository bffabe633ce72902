/**
 * A small zip reader for function code: reads the central directory (the authoritative list of
 * entries), then each entry's local header and data, stored (method 0) or deflated (method 8,
 * node:zlib inflateRawSync), and checks each entry's CRC-32.
 *
 * Not done: ZIP64 archives (over 65,535 entries or 4 GiB; Lambda's own limit is 250 MB unzipped),
 * encryption, multi-disk archives, other compression methods. Each is refused as "not a zip"
 * (ZipError), which CreateFunction reports as Lambda does for an unreadable zip.
 */
import { inflateRawSync } from "node:zlib";

export class ZipError extends Error {}

export interface ZipEntry {
  /** Path inside the archive, '/'-separated; directories end with '/'. */
  name: string;
  isDirectory: boolean;
  /** Unix mode bits when the archive was made on Unix (external attributes >> 16), else undefined. */
  unixMode: number | undefined;
  data: Buffer;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export const crc32 = (buf: Uint8Array): number => {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

/** Reads every entry of a zip archive; throws ZipError when the bytes are not a readable zip. */
export const readZip = (zip: Buffer): ZipEntry[] => {
  if (zip.length < 22) throw new ZipError("too short for a zip archive");
  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("no end of central directory record");
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError("ZIP64 archives are not supported");
  if (cdOffset + cdSize > eocd) throw new ZipError("central directory out of bounds");
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CEN_SIG) throw new ZipError("bad central directory entry");
    const madeBy = zip.readUInt16LE(p + 4);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const external = zip.readUInt32LE(p + 38);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? "utf8" : "latin1");
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new ZipError(`encrypted entry ${name}`);
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOC_SIG) throw new ZipError(`bad local header for ${name}`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (dataStart + compSize > zip.length) throw new ZipError(`entry ${name} out of bounds`);
    const raw = zip.subarray(dataStart, dataStart + compSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (e) {
        throw new ZipError(`cannot inflate ${name}: ${(e as Error).message}`);
      }
    } else throw new ZipError(`unsupported compression method ${method} for ${name}`);
    if (data.length !== size) throw new ZipError(`size mismatch for ${name}`);
    if (crc32(data) !== crc) throw new ZipError(`CRC mismatch for ${name}`);
    const isDirectory = name.endsWith("/");
    const unixMode = madeBy >> 8 === 3 && external >>> 16 ? (external >>> 16) & 0o7777 : undefined;
    entries.push({ name, isDirectory, unixMode, data });
  }
  return entries;
};

/** A safe relative path for an entry (no absolute paths, no '..'), or undefined to skip it. */
export const safeEntryPath = (name: string): string | undefined => {
  const parts = name.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".");
  if (parts.length === 0 || parts.some((s) => s === "..")) return undefined;
  return parts.join("/");
};
