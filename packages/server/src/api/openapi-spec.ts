import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds `openapi.yaml` at the repository root by walking up from this module. The compiled
 * module sits in `packages/server/dist/api/` and the source (run by jest) in
 * `packages/server/src/api/`: both are four levels below the root, but walking up keeps
 * working if the layout moves.
 *
 * @throws Error when no ancestor directory holds `openapi.yaml`.
 */
export function openApiSpecPath(from: string = import.meta.dirname): string {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, 'openapi.yaml');
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) break;
  }
  throw new Error(`openapi.yaml not found above ${from}`);
}
