/**
 * LSNs as 64-bit integers. pg-logical-replication hands them out as text in two
 * spellings (padded and unpadded, 0/0 as null); comparing those as strings
 * loses or duplicates data, so everything past the wire is a bigint.
 */
export type Lsn = bigint;

export function parseLsn(text: string | null | undefined): Lsn {
  if (text === null || text === undefined || text === '') return 0n;
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!m) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function maxLsn(a: Lsn, b: Lsn): Lsn {
  return a > b ? a : b;
}
