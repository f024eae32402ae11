// How print() and alert() turn their arguments into one log line: strings as they are,
// everything else as compact JSON-like text that survives cycles, functions and odd values.
// (Runtime module: function declarations only, no imports; see sandbox/runtime-source.ts.)

export function formatLogArguments(args: unknown[], maxLength: number): string {
  let line = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0) line += ' ';
    const value = args[i];
    line += typeof value === 'string' ? value : describeValue(value, maxLength);
    if (line.length > maxLength) return line.slice(0, maxLength) + '…';
  }
  return line;
}

export function describeValue(value: unknown, maxLength: number): string {
  const seen: unknown[] = [];
  let budget = maxLength;

  function describe(v: unknown, depth: number): string {
    if (budget <= 0) return '…';
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v.length > budget ? v.slice(0, budget) + '…' : v);
      case 'number':
      case 'boolean':
      case 'undefined':
        return String(v);
      case 'bigint':
        return String(v) + 'n';
      case 'symbol':
        return v.toString();
      case 'function':
        return `[Function ${v.name || 'anonymous'}]`;
    }
    if (v === null) return 'null';
    if (v instanceof Date) return isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    if (seen.indexOf(v) >= 0) return '[Circular]';
    if (depth > 6) return Array.isArray(v) ? '[Array]' : '[Object]';
    seen.push(v);
    let out: string;
    if (Array.isArray(v)) {
      const parts: string[] = [];
      for (let i = 0; i < v.length && budget > 0; i++) {
        const part = describe(v[i], depth + 1);
        budget -= part.length + 1;
        parts.push(part);
      }
      out = '[' + parts.join(',') + (parts.length < v.length ? ',…' : '') + ']';
    } else {
      const parts: string[] = [];
      const keys = Object.keys(v as object);
      for (let i = 0; i < keys.length && budget > 0; i++) {
        const part = JSON.stringify(keys[i]) + ':' + describe((v as Record<string, unknown>)[keys[i]], depth + 1);
        budget -= part.length + 1;
        parts.push(part);
      }
      out = '{' + parts.join(',') + (parts.length < keys.length ? ',…' : '') + '}';
    }
    seen.pop();
    return out;
  }

  return describe(value, 0);
}
