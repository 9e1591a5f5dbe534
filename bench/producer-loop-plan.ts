/** What the producer-loop bench's clients share: the options, the send plan, a produce path. */
import type { CpuTimes } from './producer-loop-worker.ts';

export const CLIENTS = ['kafkajs', 'kafkajs-unpatched', 'kafkajs-worker', 'platformatic', 'generate-only'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface Options {
  readonly client: ClientName;
  readonly records: number;
  readonly txn: number;
  readonly send: number;
  readonly inflight: number;
  readonly brokers: string[];
  readonly moduleDir: string | null;
  readonly platRetry: 'default' | '20ms';
}

export function* plan(o: Options): Generator<{ first: number; sends: number[] }> {
  for (let first = 0; first < o.records; first += o.txn) {
    const inTxn = Math.min(o.txn, o.records - first);
    const sends: number[] = [];
    for (let done = 0; done < inTxn; done += o.send) sends.push(Math.min(o.send, inTxn - done));
    yield { first, sends };
  }
}

/** What a client's run hands back besides the timings measured around it. */
export interface LoopResult {
  readonly sendMs: number[];
  readonly workerCpu?: CpuTimes;
  readonly extra?: Record<string, unknown>;
}

/** A produce path: set up (not measured), run the loop (measured), tear down. */
export interface Path {
  readonly version: string;
  run(): Promise<LoopResult>;
  close(): Promise<void>;
}
