import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ModelMetadata } from '@instr/core';
import { defaultModelPath, readModelMetadata } from '@instr/infer';
import { ServiceError } from './errors.js';

/** A model the service can use. */
export interface ModelEntry {
  /** Name used in requests: `default`, or the path relative to the models folder (`a.onnx`, `sub/b.onnx`). */
  name: string;
  path: string;
  metadata: ModelMetadata;
}

/**
 * Lists the models of a service: the default model (when present) and `*.onnx` under a folder. It reads
 * their metadata only: the models themselves are loaded on the worker threads that run them.
 */
export class ModelRegistry {
  private listing: Promise<ModelEntry[]> | undefined;

  constructor(
    readonly defaultModel: string | undefined,
    readonly modelsDir: string | undefined,
  ) {}

  /** The models, the default first. Cached; {@link refresh} re-reads the folder. */
  list(): Promise<ModelEntry[]> {
    this.listing ??= this.scan();
    return this.listing;
  }

  refresh(): void {
    this.listing = undefined;
  }

  private async scan(): Promise<ModelEntry[]> {
    const out: ModelEntry[] = [];
    const def = this.defaultModel ?? defaultModelPath();
    if (existsSync(def))
      out.push({
        name: 'default',
        path: resolve(def),
        metadata: readModelMetadata(new Uint8Array(await readFile(def))),
      });
    if (this.modelsDir) {
      const root = resolve(this.modelsDir);
      const walk = async (dir: string): Promise<void> => {
        for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          if (e.name.startsWith('.')) continue;
          const p = join(dir, e.name);
          if (e.isDirectory()) await walk(p);
          else if (e.name.endsWith('.onnx')) {
            try {
              const metadata = readModelMetadata(new Uint8Array(await readFile(p)));
              out.push({ name: relative(root, p).split(sep).join('/'), path: p, metadata });
            } catch {
              // Not an instr model: not listed.
            }
          }
        }
      };
      await walk(root);
    }
    return out.sort((a, b) =>
      a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name < b.name ? -1 : 1,
    );
  }

  /** The entry called `name` (never a path: names come from the listing, so no traversal is possible). */
  async entry(name = 'default'): Promise<ModelEntry> {
    const list = await this.list();
    const found = list.find((m) => m.name === name);
    if (!found) {
      throw new ServiceError(404, 'NOT_FOUND', `No model "${name}"; GET /models lists the available ones.`, {
        model: name,
        available: list.map((m) => m.name),
      });
    }
    return found;
  }
}

/**
 * Parses `models=a.onnx:2,b.onnx:1` (weights default to 1) or a single `model` name.
 * @example
 * ```ts
 * parseModelSpec(undefined, 'a.onnx:2,b.onnx'); // [{ name: 'a.onnx', weight: 2 }, { name: 'b.onnx', weight: 1 }]
 * ```
 */
export function parseModelSpec(
  model: string | undefined,
  models: string | undefined,
): { name: string; weight: number }[] {
  if (models) {
    return models.split(',').map((part) => {
      const i = part.lastIndexOf(':');
      const name = (i > 0 ? part.slice(0, i) : part).trim();
      const weight = i > 0 ? Number(part.slice(i + 1)) : 1;
      if (!name || !(weight >= 0 && Number.isFinite(weight))) {
        throw new ServiceError(
          400,
          'BAD_REQUEST',
          `Bad models entry "${part}"; use name:weight with a weight ≥ 0.`,
          { key: 'models' },
        );
      }
      return { name, weight };
    });
  }
  return [{ name: model || 'default', weight: 1 }];
}
