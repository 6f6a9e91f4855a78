// A stored (uncompressed) ZIP archive of a few files, so the page can hand over an adapter
// directory (adapter_model.safetensors + adapter_config.json) as one download. Layout from
// PKWARE's APPNOTE.TXT §4.3: local headers and data, then the central directory and its end.

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3), as ZIP stores it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Zips `files` (name → contents) without compression. */
export function zipStored(files: Record<string, Uint8Array | string>): Uint8Array {
  const encoder = new TextEncoder();
  const entries = Object.entries(files).map(([name, data]) => {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    return { name: encoder.encode(name), bytes, crc: crc32(bytes), offset: 0 };
  });
  const localSize = entries.reduce((s, e) => s + 30 + e.name.length + e.bytes.length, 0);
  const centralSize = entries.reduce((s, e) => s + 46 + e.name.length, 0);
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let p = 0;
  const u16 = (v: number) => {
    view.setUint16(p, v, true);
    p += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(p, v, true);
    p += 4;
  };
  for (const e of entries) {
    e.offset = p;
    u32(0x04034b50); // local file header
    u16(20); // version needed: 2.0
    u16(0x0800); // flags: UTF-8 names
    u16(0); // method: stored
    u16(0); // time
    u16(0x21); // date: 1980-01-01
    u32(e.crc);
    u32(e.bytes.length);
    u32(e.bytes.length);
    u16(e.name.length);
    u16(0);
    out.set(e.name, p);
    p += e.name.length;
    out.set(e.bytes, p);
    p += e.bytes.length;
  }
  const central = p;
  for (const e of entries) {
    u32(0x02014b50); // central directory header
    u16(20); // made by
    u16(20);
    u16(0x0800);
    u16(0);
    u16(0);
    u16(0x21);
    u32(e.crc);
    u32(e.bytes.length);
    u32(e.bytes.length);
    u16(e.name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(e.offset);
    out.set(e.name, p);
    p += e.name.length;
  }
  const centralEnd = p;
  u32(0x06054b50); // end of central directory
  u16(0);
  u16(0);
  u16(entries.length);
  u16(entries.length);
  u32(centralEnd - central);
  u32(central);
  u16(0);
  return out;
}
