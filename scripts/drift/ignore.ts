/**
 * The drift ignore file: known false positives and expected drift, each with a required reason.
 *
 * ```yaml
 * ignore:
 *   - stack: base                 # short name (config file) or full stack name
 *     resource: AlarmTopic        # logical id
 *     property: /Tags             # optional; a PropertyDifferences path or its prefix; absent = whole resource
 *     reason: Tags are added by the organisation's tag policy
 * ```
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type IgnoreRule, ruleMatchesPath, ruleMatchesResource } from '../../lib/drift/ignore-rules.js';
import { ConfigError } from '../../lib/errors.js';

export { type IgnoreRule, ruleMatchesPath, ruleMatchesResource };

const KEYS = new Set(['stack', 'resource', 'property', 'reason']);

/** Parses the ignore file text; every problem names the file and the key (`ignore[1].reason`). */
export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (cause) {
    throw new ConfigError(`${file} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object' || Array.isArray(doc) || !('ignore' in doc)) {
    throw new ConfigError(`${file}: top-level key 'ignore' (a list of entries) is required`);
  }
  const list = (doc as { ignore: unknown }).ignore;
  if (list === null) return [];
  if (!Array.isArray(list)) throw new ConfigError(`${file}: 'ignore' must be a list, found ${typeof list}`);
  return list.map((entry, i): IgnoreRule => {
    const at = `${file}: ignore[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new ConfigError(`${at} must be a mapping with keys stack, resource, property, reason`);
    }
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!KEYS.has(key)) {
        throw new ConfigError(`${at}.${key} is not a known key; allowed: stack, resource, property, reason`);
      }
    }
    const text = (key: string, required: boolean): string | undefined => {
      const v = e[key];
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
        if (required) {
          const why =
            key === 'reason' ? ' (say why this drift is expected, so the next reader can judge it)' : '';
          throw new ConfigError(`${at}.${key} is required${why}`);
        }
        return undefined;
      }
      if (typeof v !== 'string')
        throw new ConfigError(`${at}.${key} must be a string, found ${JSON.stringify(v)}`);
      return v.trim();
    };
    const property = text('property', false);
    if (property !== undefined && !property.startsWith('/')) {
      throw new ConfigError(`${at}.property must be a property path starting with '/', found '${property}'`);
    }
    return {
      stack: text('stack', true)!,
      resource: text('resource', true)!,
      ...(property === undefined ? {} : { property }),
      reason: text('reason', true)!,
      source: at,
    };
  });
}

/** Reads and parses an ignore file. */
export function loadIgnoreFile(path: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read ignore file ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseIgnoreFile(text, path);
}
