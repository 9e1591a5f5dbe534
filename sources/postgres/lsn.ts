/**
 * LSNs as 64-bit integers. pg-logical-replication hands them out as text in two
 * spellings (padded and unpadded, 0/0 as null); comparing those as strings
 * loses or duplicates data, so everything past the wire is a bigint.
 */
export type Lsn = bigint;

const LSN_TEXT = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

export function parseLsn(text: string | null | undefined): Lsn {
  if (text === null || text === undefined || text === '') return 0n;
  const t = text.trim();
  if (!LSN_TEXT.test(t)) throw new Error(`not an LSN: ${text}`);
  // Once per replication message: the halves as doubles, one BigInt (exact below 2^53, i.e. the
  // first 2 PiB of WAL), instead of two BigInts parsed from strings and a shift.
  const slash = t.indexOf('/');
  const hi = Number.parseInt(t.slice(0, slash), 16), lo = Number.parseInt(t.slice(slash + 1), 16);
  return hi < 0x200000 ? BigInt(hi * 0x100000000 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function maxLsn(a: Lsn, b: Lsn): Lsn {
  return a > b ? a : b;
}
