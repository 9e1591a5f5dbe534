/**
 * The executed GTIDs at the reader's position: a MariaDB GTID position (last sequence number
 * per domain, 'd-s-n,...') or a MySQL GTID set ('uuid:1-5,...'), grown by one transaction at
 * each commit. Stored as offsets' `gtids` so a restart can resume by GTID. null (unknown) when
 * the reader started from a file position on MySQL without a seed.
 */
import { GtidSet, MariadbGtidPosition } from '@vlasky/zongji';

export class GtidTracker {
  private constructor(private readonly flavor: 'mariadb' | 'mysql', private value: MariadbGtidPosition | GtidSet | null) {}

  static mariadb(position: string): GtidTracker {
    return new GtidTracker('mariadb', MariadbGtidPosition.parse(position));
  }

  static mysql(set: string | null): GtidTracker {
    return new GtidTracker('mysql', set === null ? null : GtidSet.parse(set));
  }

  add(gtid: string): void {
    if (this.value === null) return;
    if (this.flavor === 'mysql') {
      (this.value as GtidSet).add(gtid);
      return;
    }
    const m = /^(\d+)-(\d+)-(\d+)$/.exec(gtid);
    if (!m) throw new RangeError(`not a MariaDB GTID: ${gtid}`);
    (this.value as MariadbGtidPosition).add({ domainId: Number(m[1]), serverId: Number(m[2]), seqNo: m[3]! });
  }

  toString(): string | null {
    return this.value === null ? null : this.value.toString();
  }
}
