/**
 * The metric names a PromQL expression selects, without a PromQL parser (Prometheus 2.42's
 * API has none): strings, label matchers, ranges, grouping label lists and function or
 * aggregation calls are removed; what is left that is not a keyword or a number is a metric
 * name. Enough for the shipped dashboard and rules (test/integration/prometheus-rules.it.test.ts).
 */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

export function metricNames(expr: string): string[] {
  let e = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b[a-zA-Z_][a-zA-Z0-9_]*\s*\(/g, '(');
  // numbers with exponents or units (1e3, 5m) are not names
  e = e.replace(/\b\d[\w.]*/g, ' ');
  const names = new Set<string>();
  for (const m of e.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) if (!KEYWORDS.has(m[0].toLowerCase())) names.add(m[0]);
  return [...names];
}
