import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';

/** The A1111 options latentflow honours; the rest of A1111's long list is accepted and ignored. */
export interface A1111Options {
  sd_model_checkpoint: string;
  CLIP_stop_at_last_layers: number;
}

const DEFAULTS: A1111Options = { sd_model_checkpoint: 'auto', CLIP_stop_at_last_layers: 1 };

/** `POST /sdapi/v1/options` settings, kept in data/a1111-options.json so they survive restarts. */
export class A1111OptionsFile {
  private current: A1111Options;

  constructor(private readonly file: string) {
    this.current = { ...DEFAULTS };
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<A1111Options>;
      if (typeof saved.sd_model_checkpoint === 'string') this.current.sd_model_checkpoint = saved.sd_model_checkpoint;
      if (saved.CLIP_stop_at_last_layers === 1 || saved.CLIP_stop_at_last_layers === 2) this.current.CLIP_stop_at_last_layers = saved.CLIP_stop_at_last_layers;
    } catch {
      // No options saved yet (or an unreadable file): the defaults.
    }
  }

  static in(dataDir: string): A1111OptionsFile {
    return new A1111OptionsFile(path.join(dataDir, 'a1111-options.json'));
  }

  get(): A1111Options {
    return { ...this.current };
  }

  async set(changes: Partial<A1111Options>): Promise<void> {
    this.current = { ...this.current, ...changes };
    await writeFileAtomic(this.file, JSON.stringify(this.current, null, 2));
  }
}
