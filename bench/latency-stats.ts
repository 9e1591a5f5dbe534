/**
 * Percentiles, two ways: exact (nearest rank over every observed event) and
 * estimated from a Prometheus histogram's cumulative buckets (linear
 * interpolation inside the bucket, as PromQL's histogram_quantile does).
 */

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  if (values.length === 0) return ps.map(() => NaN);
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
}

export interface HistogramBuckets {
  /** upper bounds, ascending, the last one Infinity */
  readonly le: readonly number[];
  /** cumulative counts per bound */
  readonly counts: readonly number[];
}

/** Reads `<name>_bucket{...,le="x"} n` lines of a Prometheus text exposition (first label set only). */
export function parseHistogram(text: string, name: string): HistogramBuckets | null {
  const le: number[] = [], counts: number[] = [];
  const re = new RegExp(`^${name}_bucket\\{([^}]*)\\}\\s+(\\S+)`, 'gm');
  for (const m of text.matchAll(re)) {
    const bound = /le="([^"]+)"/.exec(m[1]!)?.[1];
    if (bound === undefined) continue;
    le.push(bound === '+Inf' ? Infinity : Number(bound));
    counts.push(Number(m[2]));
  }
  return le.length > 0 ? { le, counts } : null;
}

/** The observations between two scrapes of one histogram (same bounds): after − before, bucket by bucket. */
export function histogramDelta(after: HistogramBuckets, before: HistogramBuckets | null): HistogramBuckets {
  if (!before || before.le.length !== after.le.length) return after;
  return { le: after.le, counts: after.counts.map((c, i) => c - (before.counts[i] ?? 0)) };
}

/** q in 0..1; values above the last finite bound are reported as that bound (as PromQL does). */
export function histogramQuantile(h: HistogramBuckets, q: number): number {
  const total = h.counts[h.counts.length - 1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  for (let i = 0; i < h.le.length; i++) {
    if (h.counts[i]! >= rank) {
      if (h.le[i] === Infinity) return h.le[i - 1] ?? NaN;
      const lower = i === 0 ? 0 : h.le[i - 1]!;
      const below = i === 0 ? 0 : h.counts[i - 1]!;
      const inBucket = h.counts[i]! - below;
      return inBucket === 0 ? h.le[i]! : lower + (h.le[i]! - lower) * ((rank - below) / inBucket);
    }
  }
  return NaN;
}

/** The value of an unlabelled-or-first-labelled sample `<name>{...} v`, or NaN. */
export function parseSample(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}
