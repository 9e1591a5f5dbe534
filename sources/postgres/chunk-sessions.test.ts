import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { ChunkSessions, SESSION_IDLE_CLOSE_MS } from './chunk-sessions.ts';
import { silentLogger } from '../../src/log/logger.ts';

const log = silentLogger();

function harness(readers: number, failFirstOpen = false) {
  let clock = 1_000;
  const opened: { id: number; ended: boolean }[] = [];
  let opens = 0;
  const sessions = new ChunkSessions({
    readers, log, now: () => clock,
    open: async () => {
      opens++;
      if (failFirstOpen && opens === 1) throw new Error('too many clients already');
      const s = { id: opened.length, ended: false };
      opened.push(s);
      return { end: async () => { s.ended = true; }, id: s.id } as unknown as pg.Client;
    },
  });
  return { sessions, opened, advance: (ms: number) => { clock += ms; } };
}

const idOf = (c: pg.Client) => (c as unknown as { id: number }).id;

test('no session is opened until a snapshot uses one', () => {
  const h = harness(2);
  assert.equal(h.sessions.open, 0);
  assert.equal(h.opened.length, 0);
});

test('readers are opened on first use and used in turn; the watermark has its own', async () => {
  const h = harness(2);
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push(await h.sessions.withReader(async (c) => idOf(c)));
  const w = await h.sessions.withWatermark(async (c) => idOf(c));
  assert.deepEqual(ids, [0, 1, 0, 1]);
  assert.equal(w, 2);
  assert.equal(h.sessions.open, 3);
});

test('sessions close only when no snapshot has work, none is in use and the idle time passed', async () => {
  const h = harness(1);
  await h.sessions.withReader(async () => undefined);
  await h.sessions.withWatermark(async () => undefined);
  h.advance(SESSION_IDLE_CLOSE_MS);
  h.sessions.closeIfIdle(false);
  assert.equal(h.sessions.open, 2, 'a snapshot with work keeps its sessions');
  let release!: () => void;
  const busy = h.sessions.withReader(() => new Promise<void>((r) => { release = r; }));
  await new Promise((r) => setImmediate(r));
  h.advance(SESSION_IDLE_CLOSE_MS);
  h.sessions.closeIfIdle(true);
  assert.equal(h.sessions.open, 2, 'a session in use stays open');
  release();
  await busy;
  h.advance(SESSION_IDLE_CLOSE_MS - 1);
  h.sessions.closeIfIdle(true);
  assert.equal(h.sessions.open, 2, 'used just now');
  h.advance(1);
  h.sessions.closeIfIdle(true);
  assert.equal(h.sessions.open, 0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(h.opened.map((s) => s.ended), [true, true]);
  // The next snapshot opens new ones.
  assert.equal(await h.sessions.withReader(async (c) => idOf(c)), 2);
});

test('a failed open reaches the caller and the next use tries again', async () => {
  const h = harness(1, true);
  await assert.rejects(h.sessions.withReader(async () => undefined), /too many clients/);
  assert.equal(await h.sessions.withReader(async (c) => idOf(c)), 0);
});

test('close ends every session and refuses later use', async () => {
  const h = harness(1);
  await h.sessions.withReader(async () => undefined);
  await h.sessions.close();
  assert.equal(h.opened[0]!.ended, true);
  await assert.rejects(h.sessions.withReader(async () => undefined), /closed/);
});
