import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { apiErrorCodes } from '../../packages/server/src/api/errors.js';
import { openApiSpecPath } from '../../packages/server/src/api/openapi-spec.js';

/**
 * Reads the `enum` list of a schema under `components.schemas` of openapi.yaml. The file
 * writes it as a block sequence (`- code` lines); this small reader avoids a YAML
 * dependency and fails loudly if the layout changes.
 */
function schemaEnum(yaml: string, schema: string): string[] {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => line === `    ${schema}:`);
  if (start < 0) throw new Error(`no schema ${schema} in openapi.yaml`);
  const enumLine = lines.findIndex((line, index) => index > start && line.trim() === 'enum:');
  if (enumLine < 0) throw new Error(`schema ${schema} has no block enum`);
  const values: string[] = [];
  for (const line of lines.slice(enumLine + 1)) {
    const item = /^ {8}- ([a-z-]+)$/.exec(line);
    if (!item?.[1]) break;
    values.push(item[1]);
  }
  return values;
}

describe('the REST error catalogue', () => {
  const yaml = readFileSync(openApiSpecPath(), 'utf8');

  it('lists the same codes as the ErrorCode enum of openapi.yaml', () => {
    const inYaml = schemaEnum(yaml, 'ErrorCode');
    expect(inYaml.length).toBeGreaterThan(0);
    expect([...inYaml].sort()).toEqual(Object.keys(apiErrorCodes).sort());
  });

  it('gives each code an error status (4xx or 5xx)', () => {
    for (const status of Object.values(apiErrorCodes)) expect(status).toBeGreaterThanOrEqual(400);
  });

  it('makes the Error body schema use the ErrorCode enum, so the response validator enforces it', () => {
    expect(yaml).toContain("code: { $ref: '#/components/schemas/ErrorCode' }");
  });
});
