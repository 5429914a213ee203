/** Rendering and writing one clip (shared by the worker threads and the in-process path). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './audio-io.js';
import { type ClipMeta, RenderContext, renderClip } from './clip.js';
import type { Inventory } from './inventory.js';
import { type CorpusConfig, clipFile, type PlannerData, planClip, plannerData } from './plan.js';

/** Relative path of the metadata file of clip `index`. */
export function metaFile(index: number): string {
  return `meta/${String(index).padStart(6, '0')}.json`;
}

/** True when clip `index` is complete in `out` (the WAV is written before its metadata). */
export function isDone(out: string, index: number): boolean {
  return existsSync(join(out, metaFile(index))) && existsSync(join(out, clipFile(index)));
}

/** Reads the metadata of a written clip. */
export function readMeta(out: string, index: number): ClipMeta {
  return JSON.parse(readFileSync(join(out, metaFile(index)), 'utf8')) as ClipMeta;
}

/** A thread's renderer: plans, renders and atomically writes clips. */
export class ClipJob {
  private readonly ctx: RenderContext;
  private readonly data: PlannerData;
  constructor(
    private readonly config: CorpusConfig,
    private readonly inventory: Inventory,
    private readonly out: string,
  ) {
    this.ctx = new RenderContext(config, inventory);
    this.data = plannerData(inventory);
  }

  /** Renders clip `index`, writes `clips/NNNNNN.wav` then `meta/NNNNNN.json`, returns the metadata. */
  async run(index: number): Promise<ClipMeta> {
    const plan = planClip(index, this.config, this.inventory, this.data);
    const { wav, meta } = await renderClip(this.ctx, plan);
    writeFileAtomic(join(this.out, plan.file), wav);
    writeFileAtomic(join(this.out, metaFile(index)), `${JSON.stringify(meta)}\n`);
    return meta;
  }
}
