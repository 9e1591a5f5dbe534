/**
 * Where the daemon's main thread spent its time, from a V8 .cpuprofile written
 * by `npm run bench -- --cpu-prof DIR` (node --cpu-prof):
 *   npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--from S] [--to S] [--top N]
 * Prints busy share per second (to find the load window), then, for the chosen
 * window (seconds from profile start), self time grouped by package/source
 * file and by function, and inclusive time of the repository's functions (the
 * pipeline stages) and of library functions. "(idle)" is the thread waiting for I/O (Kafka, the
 * replication socket, timers): a large idle share under backlog means the
 * daemon waits on something rather than computes.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** node_modules/<pkg> (scoped too), else the repository-relative file, else the V8 pseudo-frame. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `pkg:${nm[1]}`;
  if (url.startsWith('node:')) return url;
  const repo = /\/(src|sources|bin|test)\/(.*)$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}

/** Like ownerOf, but a library frame keeps its file inside the package (kafkajs/src/protocol/...). */
function whereIs(url: string, functionName: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  return nm ? `${nm[1]}/${nm[2]}` : ownerOf(url, functionName);
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) { process.stderr.write('usage: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [--from S] [--to S] [--top N]\n'); process.exit(2); }
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const top = Number(values.top ?? 25);

  // Sample i ends at startTime + sum(timeDeltas[0..i]) µs; its duration is the next delta.
  const t: number[] = [];
  let acc = 0;
  for (const d of p.timeDeltas) { acc += d; t.push(acc); }
  const durUs = (i: number) => (i + 1 < t.length ? t[i + 1]! - t[i]! : 0);

  const perSecond = new Map<number, { busy: number; all: number }>();
  for (let i = 0; i < p.samples.length; i++) {
    const s = Math.floor(t[i]! / 1e6);
    const e = perSecond.get(s) ?? { busy: 0, all: 0 };
    const name = byId.get(p.samples[i]!)!.callFrame.functionName;
    e.all += durUs(i);
    if (name !== '(idle)') e.busy += durUs(i);
    perSecond.set(s, e);
  }
  process.stdout.write(`profile ${file}: ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s\nbusy share per second (main thread):\n`);
  const secs = [...perSecond.keys()].sort((a, b) => a - b);
  for (let i = 0; i < secs.length; i += 10) {
    process.stdout.write(`  ${String(secs[i]).padStart(4)}s ${secs.slice(i, i + 10).map((s) => String(Math.round((100 * perSecond.get(s)!.busy) / Math.max(1, perSecond.get(s)!.all))).padStart(4)).join('')}\n`);
  }

  const fromUs = values.from ? Number(values.from) * 1e6 : 0;
  const toUs = values.to ? Number(values.to) * 1e6 : Infinity;
  const byOwner = new Map<string, number>();
  const byFn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}  ${whereIs(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    if (t[i]! < fromUs || t[i]! >= toUs) continue;
    const n = byId.get(p.samples[i]!)!;
    const d = durUs(i);
    total += d;
    const owner = ownerOf(n.callFrame.url, n.callFrame.functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + d);
    const fn = label(n);
    byFn.set(fn, (byFn.get(fn) ?? 0) + d);
    // Inclusive: every distinct function on the stack of this sample (recursion counted once).
    const onStack = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) onStack.add(label(byId.get(id)!));
    for (const f of onStack) inclusive.set(f, (inclusive.get(f) ?? 0) + d);
  }
  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (window ${(fromUs / 1e6).toFixed(0)}..${Number.isFinite(toUs) ? (toUs / 1e6).toFixed(0) : 'end'} s, ${(total / 1e6).toFixed(1)} s sampled):\n`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`  ${(v / 1e6).toFixed(2).padStart(7)} s ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}\n`);
    }
  };
  show('self time by package / file', byOwner);
  show('self time by function', byFn);
  // Our own code's inclusive time shows the pipeline stages (decode, convert, send, commit).
  show('inclusive time of repository functions', new Map([...inclusive].filter(([k]) => /  (src|sources)\//.test(k))));
  show('inclusive time of library functions', new Map([...inclusive].filter(([k]) => !/  (src|sources|bin|test)\/|  node:|  \(/.test(k))));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Piped into head: stop quietly when the reader goes away.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
  main();
}
