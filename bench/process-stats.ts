/**
 * What the kernel knows about the daemon process: CPU seconds (utime + stime
 * from /proc/<pid>/stat), current and peak resident memory (VmRSS, VmHWM from
 * /proc/<pid>/status), and the current RSS split into anonymous memory (RssAnon: the
 * heap, buffers, JIT code: what the daemon itself allocated) and file pages (RssFile:
 * mostly the node binary's code and read-only data, ~50 MiB, shared with every node
 * process on the machine and dropped by the kernel under memory pressure). Linux only,
 * which is where the bench runs.
 * The daemon is found by its command line (the unique config file path), since
 * test/helpers/daemon.ts keeps its child process private.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux ABI node runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessSample {
  readonly atMs: number;
  readonly cpuSeconds: number;
  /** the part of cpuSeconds spent in the kernel on the process's behalf (stime: socket writes and reads, page faults) */
  readonly systemCpuSeconds: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  /** RssAnon and RssFile + RssShmem, which add up to rssBytes */
  readonly rssAnonBytes: number;
  readonly rssFileBytes: number;
}

/** The pid of the process whose argv contains `needle` (e.g. a config file path), or null. */
export function findPidByArg(needle: string): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (argv.includes(needle)) return Number(entry);
  }
  return null;
}

export function sampleProcess(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces and parentheses: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]), stime = Number(rest[12]); // fields 14 and 15 of proc(5)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return {
    atMs: Date.now(), cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, systemCpuSeconds: stime / CLOCK_TICKS_PER_SECOND, rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM'),
    rssAnonBytes: kib('RssAnon'), rssFileBytes: kib('RssFile') + kib('RssShmem'),
  };
}

/**
 * Polls a process every intervalMs, keeping the first, the last and the largest RSS seen,
 * and, when seriesEveryMs is set, one sample per that many ms (to show whether RSS is flat).
 */
export class ProcessSampler {
  private timer: NodeJS.Timeout | null = null;
  first: ProcessSample | null = null;
  last: ProcessSample | null = null;
  maxRssBytes = 0;
  /** the sample with the largest anonymous RSS (what the daemon itself allocated) */
  maxAnon: ProcessSample | null = null;
  readonly series: ProcessSample[] = [];

  constructor(private readonly pid: number, private readonly intervalMs = 250, private readonly seriesEveryMs: number | null = null) {}

  start(): this {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    return this;
  }

  /** Takes a final sample (if the process still runs) and stops polling. */
  stop(): ProcessSample | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.tick();
    return this.last;
  }

  private tick(): void {
    try {
      const s = sampleProcess(this.pid);
      this.first ??= s;
      this.last = s;
      if (s.rssBytes > this.maxRssBytes) this.maxRssBytes = s.rssBytes;
      if (this.maxAnon === null || s.rssAnonBytes > this.maxAnon.rssAnonBytes) this.maxAnon = s;
      const prev = this.series[this.series.length - 1];
      if (this.seriesEveryMs !== null && (!prev || s.atMs - prev.atMs >= this.seriesEveryMs)) this.series.push(s);
    } catch {
      // The process exited; keep the last sample.
    }
  }
}

/** The report fields of the largest anonymous RSS among samplers' maxAnon samples. */
export function rssSplitOf(samples: readonly (ProcessSample | null)[]): { daemonPeakRssAnonMiB: number | null; daemonRssFileMiB: number | null } {
  let best: ProcessSample | null = null;
  for (const s of samples) if (s !== null && (best === null || s.rssAnonBytes > best.rssAnonBytes)) best = s;
  return { daemonPeakRssAnonMiB: best ? best.rssAnonBytes / 2 ** 20 : null, daemonRssFileMiB: best ? best.rssFileBytes / 2 ** 20 : null };
}
