export interface Summary {
  n: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

/** Exact median (mean of the middle two for an even count), nearest-rank p99, and range of a sample. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("summarize: no samples");
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, median, p99: s[Math.ceil(0.99 * s.length) - 1], min: s[0], max: s[s.length - 1] };
}
