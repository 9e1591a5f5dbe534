/**
 * gtid.source.includes / gtid.source.excludes (with gtid.source.filter.dml.events): whether a
 * transaction's GTID source passes. The source is what the patterns match, as in Debezium: the
 * server UUID of a MySQL GTID (uuid:n), the "domain-server" pair of a MariaDB GTID (d-s-n).
 */
export function gtidSource(gtid: string): string {
  const colon = gtid.indexOf(':');
  if (colon > 0) return gtid.slice(0, colon);
  const m = /^(\d+-\d+)-\d+$/.exec(gtid);
  return m ? m[1]! : gtid;
}

export function gtidSourceFilter(includes: readonly string[], excludes: readonly string[]): (gtid: string) => boolean {
  const inc = includes.map((p) => new RegExp(`^(?:${p})$`, 'i'));
  const exc = excludes.map((p) => new RegExp(`^(?:${p})$`, 'i'));
  return (gtid) => {
    const source = gtidSource(gtid);
    if (inc.length > 0) return inc.some((r) => r.test(source));
    return !exc.some((r) => r.test(source));
  };
}
