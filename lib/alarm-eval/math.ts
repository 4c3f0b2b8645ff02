/**
 * CloudWatch metric math, the part alarms use: arithmetic (+ - * / ^), comparisons (> < >= <= == !=),
 * logical AND / OR / NOT (also && || !), IF, FILL (constant or REPEAT), ABS, CEIL, FLOOR, and MIN / MAX /
 * SUM / AVG over an array of series ([a, b]) or over one series (a scalar, as in CloudWatch).
 *
 * A series is a sparse map from period start to value over the alarm's evaluation slots. Between two series
 * CloudWatch pairs datapoints by timestamp: a timestamp missing on either side is missing in the result.
 * Division by zero yields no datapoint. FILL fills every slot of the evaluated range.
 */

export type Series = ReadonlyMap<number, number>;
export type MathValue = number | Series | Series[];

type Node =
  | { k: 'num'; v: number }
  | { k: 'id'; name: string }
  | { k: 'kw'; name: 'REPEAT' | 'LINEAR' }
  | { k: 'un'; op: '-' | 'NOT'; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'arr'; items: Node[] };

export class MetricMathError extends Error {
  override readonly name = 'MetricMathError';
}

const FUNCTIONS = new Set(['IF', 'FILL', 'ABS', 'CEIL', 'FLOOR', 'MIN', 'MAX', 'SUM', 'AVG']);

function tokenize(src: string): string[] {
  const out: string[] = [];
  const re =
    /\s*(>=|<=|==|!=|&&|\|\||[-+*/^(),<>![\]]|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+|[A-Za-z_][A-Za-z0-9_]*)/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new MetricMathError(`cannot read "${src.slice(pos)}" in expression ${JSON.stringify(src)}`);
    out.push(m[1]!);
    pos = re.lastIndex;
  }
  return out;
}

/** Parses a metric-math expression; throws MetricMathError naming what it cannot read. */
export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const upper = () => toks[i]?.toUpperCase();
  const take = (want?: string) => {
    const t = toks[i++];
    if (t === undefined || (want !== undefined && t !== want)) {
      throw new MetricMathError(`expected ${want ?? 'more'} at token ${i} of ${JSON.stringify(src)}`);
    }
    return t;
  };
  const or = (): Node => {
    let a = and();
    while (peek() === '||' || upper() === 'OR') {
      take();
      a = { k: 'bin', op: 'OR', a, b: and() };
    }
    return a;
  };
  const and = (): Node => {
    let a = cmp();
    while (peek() === '&&' || upper() === 'AND') {
      take();
      a = { k: 'bin', op: 'AND', a, b: cmp() };
    }
    return a;
  };
  const cmp = (): Node => {
    const a = add();
    const op = peek();
    if (op && ['>', '<', '>=', '<=', '==', '!='].includes(op)) {
      take();
      return { k: 'bin', op, a, b: add() };
    }
    return a;
  };
  const add = (): Node => {
    let a = mul();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      a = { k: 'bin', op, a, b: mul() };
    }
    return a;
  };
  const mul = (): Node => {
    let a = pow();
    while (peek() === '*' || peek() === '/') {
      const op = take();
      a = { k: 'bin', op, a, b: pow() };
    }
    return a;
  };
  const pow = (): Node => {
    const a = unary();
    if (peek() === '^') {
      take();
      return { k: 'bin', op: '^', a, b: pow() };
    }
    return a;
  };
  const unary = (): Node => {
    if (peek() === '-') {
      take();
      return { k: 'un', op: '-', a: unary() };
    }
    if (peek() === '!' || upper() === 'NOT') {
      take();
      return { k: 'un', op: 'NOT', a: unary() };
    }
    return primary();
  };
  const primary = (): Node => {
    const t = take();
    if (t === '(') {
      const e = or();
      take(')');
      return e;
    }
    if (t === '[') {
      const items: Node[] = [];
      if (peek() !== ']') {
        items.push(or());
        while (peek() === ',') {
          take();
          items.push(or());
        }
      }
      take(']');
      return { k: 'arr', items };
    }
    if (/^(\d|\.\d)/.test(t)) return { k: 'num', v: Number(t) };
    const name = t.toUpperCase();
    if (name === 'REPEAT' || name === 'LINEAR') return { k: 'kw', name };
    if (peek() === '(') {
      if (!FUNCTIONS.has(name)) {
        throw new MetricMathError(
          `function ${t} is not modelled (allowed: ${[...FUNCTIONS].join(', ')}) in ${JSON.stringify(src)}`,
        );
      }
      take('(');
      const args: Node[] = [];
      if (peek() !== ')') {
        args.push(or());
        while (peek() === ',') {
          take();
          args.push(or());
        }
      }
      take(')');
      return { k: 'call', fn: name, args };
    }
    if (/^[A-Za-z_]/.test(t)) return { k: 'id', name: t };
    throw new MetricMathError(`unexpected ${JSON.stringify(t)} in ${JSON.stringify(src)}`);
  };
  const node = or();
  if (i !== toks.length) throw new MetricMathError(`unexpected ${toks[i]} in ${JSON.stringify(src)}`);
  return node;
}

/** Ids of the queries an expression refers to. */
export function referencedIds(node: Node): string[] {
  switch (node.k) {
    case 'id':
      return [node.name];
    case 'un':
      return referencedIds(node.a);
    case 'bin':
      return [...referencedIds(node.a), ...referencedIds(node.b)];
    case 'call':
      return node.args.flatMap(referencedIds);
    case 'arr':
      return node.items.flatMap(referencedIds);
    default:
      return [];
  }
}

const isSeries = (v: MathValue): v is Series => v instanceof Map;

function binary(op: string, x: number, y: number): number | undefined {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? undefined : x / y;
    case '^':
      return x ** y;
    case '>':
      return x > y ? 1 : 0;
    case '<':
      return x < y ? 1 : 0;
    case '>=':
      return x >= y ? 1 : 0;
    case '<=':
      return x <= y ? 1 : 0;
    case '==':
      return x === y ? 1 : 0;
    case '!=':
      return x !== y ? 1 : 0;
    case 'AND':
      return x !== 0 && y !== 0 ? 1 : 0;
    case 'OR':
      return x !== 0 || y !== 0 ? 1 : 0;
    default:
      throw new MetricMathError(`operator ${op} is not modelled`);
  }
}

function mapSeries(s: Series, f: (v: number) => number | undefined): Series {
  const out = new Map<number, number>();
  for (const [t, v] of s) {
    const r = f(v);
    if (r !== undefined && Number.isFinite(r)) out.set(t, r);
  }
  return out;
}

function combine(op: string, a: MathValue, b: MathValue): MathValue {
  if (Array.isArray(a) || Array.isArray(b)) throw new MetricMathError(`operator ${op} on an array of series`);
  if (!isSeries(a) && !isSeries(b)) return binary(op, a, b) ?? Number.NaN;
  if (isSeries(a) && !isSeries(b)) return mapSeries(a, (x) => binary(op, x, b));
  if (!isSeries(a) && isSeries(b)) return mapSeries(b, (y) => binary(op, a, y));
  const out = new Map<number, number>();
  for (const [t, x] of a as Series) {
    const y = (b as Series).get(t);
    if (y === undefined) continue;
    const r = binary(op, x, y);
    if (r !== undefined && Number.isFinite(r)) out.set(t, r);
  }
  return out;
}

const at = (v: MathValue, t: number): number | undefined =>
  isSeries(v) ? v.get(t) : Array.isArray(v) ? undefined : v;

function reduce(fn: string, xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  switch (fn) {
    case 'MIN':
      return Math.min(...xs);
    case 'MAX':
      return Math.max(...xs);
    case 'SUM':
      return xs.reduce((s, x) => s + x, 0);
    default:
      return xs.reduce((s, x) => s + x, 0) / xs.length;
  }
}

/**
 * Evaluates `node` over `slots` (period starts, ascending), with `env` giving each query id's value.
 * Returns a series, or a number for a constant expression.
 */
export function evaluateNode(
  node: Node,
  env: ReadonlyMap<string, MathValue>,
  slots: readonly number[],
): MathValue {
  const ev = (n: Node) => evaluateNode(n, env, slots);
  switch (node.k) {
    case 'num':
      return node.v;
    case 'kw':
      throw new MetricMathError(`${node.name} is only allowed as FILL's second argument`);
    case 'id': {
      const v = env.get(node.name);
      if (v === undefined) throw new MetricMathError(`unknown id ${node.name}`);
      return v;
    }
    case 'arr':
      return node.items.map((n) => {
        const v = ev(n);
        if (!isSeries(v)) throw new MetricMathError('an array holds series only');
        return v;
      });
    case 'un': {
      const a = ev(node.a);
      return node.op === '-' ? combine('*', a, -1) : combine('==', a, 0);
    }
    case 'bin':
      return combine(node.op, ev(node.a), ev(node.b));
    case 'call':
      return call(node.fn, node.args, ev, slots);
  }
}

function call(fn: string, args: Node[], ev: (n: Node) => MathValue, slots: readonly number[]): MathValue {
  switch (fn) {
    case 'IF': {
      if (args.length < 2 || args.length > 3) throw new MetricMathError('IF takes 2 or 3 arguments');
      const cond = ev(args[0]!);
      const yes = ev(args[1]!);
      const no = args[2] ? ev(args[2]) : undefined;
      if (!isSeries(cond)) {
        if (Array.isArray(cond)) throw new MetricMathError('IF condition must be a series or a number');
        return cond !== 0 ? yes : (no ?? new Map());
      }
      // Using IF expressions: a true condition whose trueValue series lacks the timestamp gives 0; a false one
      // whose falseValue lacks it (or has none) drops the datapoint.
      const out = new Map<number, number>();
      for (const [t, c] of cond) {
        const v = c !== 0 ? (at(yes, t) ?? 0) : no === undefined ? undefined : at(no, t);
        if (v !== undefined && Number.isFinite(v)) out.set(t, v);
      }
      return out;
    }
    case 'FILL': {
      if (args.length !== 2) throw new MetricMathError('FILL takes 2 arguments');
      const s = ev(args[0]!);
      if (!isSeries(s)) throw new MetricMathError('FILL needs a series');
      const how = args[1]!;
      const out = new Map<number, number>();
      if (how.k === 'kw') {
        if (how.name === 'LINEAR') throw new MetricMathError('FILL(..., LINEAR) is not modelled');
        // REPEAT: the last earlier value; before the first value, the first value (CloudWatch fills both ways).
        const first = slots.map((t) => s.get(t)).find((v) => v !== undefined);
        let last = first;
        for (const t of slots) {
          const v = s.get(t);
          if (v !== undefined) last = v;
          if (last !== undefined) out.set(t, last);
        }
        return out;
      }
      const fill = ev(how);
      for (const t of slots) {
        const v = s.get(t) ?? at(fill, t);
        if (v !== undefined) out.set(t, v);
      }
      return out;
    }
    case 'ABS':
    case 'CEIL':
    case 'FLOOR': {
      const f = fn === 'ABS' ? Math.abs : fn === 'CEIL' ? Math.ceil : Math.floor;
      const v = ev(args[0]!);
      if (Array.isArray(v)) return v.map((s) => mapSeries(s, f));
      return isSeries(v) ? mapSeries(v, f) : f(v);
    }
    default: {
      // MIN / MAX / SUM / AVG
      if (args.length !== 1)
        throw new MetricMathError(`${fn} takes one argument (a series or [series, ...])`);
      const v = ev(args[0]!);
      if (Array.isArray(v)) {
        const out = new Map<number, number>();
        for (const t of slots) {
          const r = reduce(
            fn,
            v.map((s) => s.get(t)).filter((x): x is number => x !== undefined),
          );
          if (r !== undefined) out.set(t, r);
        }
        return out;
      }
      if (isSeries(v)) return reduce(fn, [...v.values()]) ?? Number.NaN;
      return v;
    }
  }
}
