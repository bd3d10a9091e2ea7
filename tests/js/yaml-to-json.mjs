// Reads every .yaml file under a folder with js-yaml 4 (a YAML 1.2 reader; its default schema also types
// timestamps and merge keys) and prints one JSON object on stdout: {"relative/path.yaml": <data>, ...}.
// Values JSON cannot hold are tagged so a test sees how js-yaml typed them: dates as {"$timestamp": "..."},
// infinities and NaN as {"$float": ".inf"}. A file js-yaml cannot read gives {"$error": "..."}.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yaml from 'js-yaml';

function tag(value) {
  if (value instanceof Date) return { $timestamp: value.toISOString() };
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { $float: Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf' };
  }
  if (Array.isArray(value)) return value.map(tag);
  if (value !== null && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return { $other: Object.prototype.toString.call(value) };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tag(v)]));
  }
  return value;
}

const root = process.argv[2];
const result = {};
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.yaml')) continue;
  const path = join(entry.parentPath ?? entry.path, entry.name);
  const key = relative(root, path).split(sep).join('/');
  try {
    result[key] = tag(yaml.load(readFileSync(path, 'utf8'), { filename: key }));
  } catch (error) {
    result[key] = { $error: String(error.message ?? error) };
  }
}
process.stdout.write(JSON.stringify(result));
