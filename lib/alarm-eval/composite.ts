/**
 * Composite alarm rules: ALARM(name), OK(name), INSUFFICIENT_DATA(name), TRUE, FALSE, AND, OR, NOT and
 * parentheses (NOT binds tighter than AND, AND tighter than OR). Names may be quoted or bare.
 */
import type { AlarmState } from './types.js';

type Rule =
  | { k: 'state'; state: AlarmState; alarm: string }
  | { k: 'const'; v: boolean }
  | { k: 'not'; a: Rule }
  | { k: 'and' | 'or'; a: Rule; b: Rule };

export class CompositeRuleError extends Error {
  override readonly name = 'CompositeRuleError';
}

export interface ParsedRule {
  /** Every alarm the rule names. */
  readonly children: readonly string[];
  /** Is the rule true for these child states? */
  evaluate(state: (alarm: string) => AlarmState): boolean;
}

export function parseRule(src: string): ParsedRule {
  const toks: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\(|\)|[^\s()]+)/y;
  let pos = 0;
  while (pos < src.length && !/^\s*$/.test(src.slice(pos))) {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new CompositeRuleError(`cannot read rule ${JSON.stringify(src)} at ${pos}`);
    toks.push(m[1]!);
    pos = re.lastIndex;
  }
  let i = 0;
  const children: string[] = [];
  const take = (want?: string) => {
    const t = toks[i++];
    if (t === undefined || (want && t !== want)) {
      throw new CompositeRuleError(`expected ${want ?? 'more'} in rule ${JSON.stringify(src)}`);
    }
    return t;
  };
  const or = (): Rule => {
    let a = and();
    while (toks[i] === 'OR') {
      take();
      a = { k: 'or', a, b: and() };
    }
    return a;
  };
  const and = (): Rule => {
    let a = not();
    while (toks[i] === 'AND') {
      take();
      a = { k: 'and', a, b: not() };
    }
    return a;
  };
  const not = (): Rule => {
    if (toks[i] === 'NOT') {
      take();
      return { k: 'not', a: not() };
    }
    return atom();
  };
  const atom = (): Rule => {
    const t = take();
    if (t === '(') {
      const r = or();
      take(')');
      return r;
    }
    if (t === 'TRUE' || t === 'FALSE') return { k: 'const', v: t === 'TRUE' };
    if (t === 'ALARM' || t === 'OK' || t === 'INSUFFICIENT_DATA') {
      take('(');
      const raw = take();
      const alarm = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
      take(')');
      // An ARN names the alarm by its last segment.
      const name = alarm.includes(':alarm:') ? alarm.slice(alarm.lastIndexOf(':alarm:') + 7) : alarm;
      children.push(name);
      return { k: 'state', state: t, alarm: name };
    }
    throw new CompositeRuleError(`unexpected ${JSON.stringify(t)} in rule ${JSON.stringify(src)}`);
  };
  const rule = or();
  if (i !== toks.length) throw new CompositeRuleError(`unexpected ${toks[i]} in rule ${JSON.stringify(src)}`);
  const ev = (r: Rule, state: (a: string) => AlarmState): boolean => {
    switch (r.k) {
      case 'state':
        return state(r.alarm) === r.state;
      case 'const':
        return r.v;
      case 'not':
        return !ev(r.a, state);
      case 'and':
        return ev(r.a, state) && ev(r.b, state);
      case 'or':
        return ev(r.a, state) || ev(r.b, state);
    }
  };
  return { children: [...new Set(children)], evaluate: (state) => ev(rule, state) };
}
