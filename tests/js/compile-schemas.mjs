// Compiles JSON Schemas with Ajv's draft 2020-12 class in strict mode (every strict option on: unknown keywords,
// ignored keywords, type and required mistakes are errors; no format is used by the exports, so none is added).
// Patterns are compiled as Ajv does by default: new RegExp(pattern, "u").
// Input: a JSON file holding {"name": schema, ...}. Output on stdout: {"name": null | "error message", ...}.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const schemas = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const result = {};
for (const [name, schema] of Object.entries(schemas)) {
  // One validator per schema: a failure in one never hides or causes a failure in another.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  try {
    ajv.compile(schema);
    result[name] = null;
  } catch (error) {
    result[name] = String(error.message ?? error);
  }
}
process.stdout.write(JSON.stringify(result));
