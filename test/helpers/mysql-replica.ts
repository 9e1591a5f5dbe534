/**
 * A stand-in for a replica registered with a MySQL/MariaDB server: one connection that sends
 * COM_REGISTER_SLAVE (0x15) with a chosen server id, so SHOW SLAVE HOSTS lists it for as long
 * as the connection stays open. Lets the duplicate server id check be tested against a real
 * server without a second server. Test-only: it reads no binlog.
 */
import { EventEmitter } from 'node:events';
import mysql from 'mysql2/promise';

const COM_REGISTER_SLAVE = 0x15;

interface CoreConnection {
  addCommand(cmd: unknown): void;
  writePacket(packet: unknown): void;
  _resetSequenceId(): void;
}

/** The packet shape mysql2's writePacket expects: a buffer with 4 header bytes and writeHeader(). */
class OutPacket {
  constructor(readonly buffer: Buffer) {}
  length(): number { return this.buffer.length; }
  writeHeader(sequenceId: number): void {
    this.buffer.writeUIntLE(this.buffer.length - 4, 0, 3);
    this.buffer.writeUInt8(sequenceId, 3);
  }
}

class RegisterCommand extends EventEmitter {
  #next: ((packet: unknown, c: CoreConnection) => unknown) | null = null;
  constructor(private readonly payload: Buffer, private readonly done: (err?: Error) => void) { super(); }

  execute(packet: { isError?(): boolean; asError?(enc: string): Error } | null, c: CoreConnection & { clientEncoding: string }): boolean {
    if (!this.#next) {
      c._resetSequenceId();
      c.writePacket(new OutPacket(Buffer.concat([Buffer.alloc(4), this.payload])));
      this.#next = () => null;
      return false;
    }
    if (packet?.isError?.()) this.done(packet.asError!(c.clientEncoding));
    else this.done();
    this.emit('end');
    return true;
  }
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length]), b]);
}

export interface RegisteredReplica {
  close(): Promise<void>;
}

export async function registerReplica(opts: { host: string; port: number; user: string; password: string; serverId: number; reportHost: string }): Promise<RegisteredReplica> {
  const conn = await mysql.createConnection({ host: opts.host, port: opts.port, user: opts.user, password: opts.password });
  const head = Buffer.alloc(5);
  head.writeUInt8(COM_REGISTER_SLAVE, 0);
  head.writeUInt32LE(opts.serverId, 1);
  const tail = Buffer.alloc(10);
  tail.writeUInt16LE(3306, 0); // the port the replica reports
  tail.writeUInt32LE(0, 2); // replication rank, ignored
  tail.writeUInt32LE(0, 6); // source id: 0 = the server decides
  const payload = Buffer.concat([head, str(opts.reportHost), str(''), str(''), tail]);
  const core = (conn as unknown as { connection: CoreConnection }).connection;
  await new Promise<void>((resolve, reject) => core.addCommand(new RegisterCommand(payload, (err) => (err ? reject(err) : resolve()))));
  return { close: () => conn.end() };
}
