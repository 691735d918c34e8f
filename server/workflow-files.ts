import fs from 'node:fs/promises';
import path from 'node:path';
import { workflowFileInvalid, workflowNotFound } from './errors.ts';
import { writeFileAtomic } from './files/atomic-write.ts';
import { resolveNamedFile } from './files/safe-path.ts';
import type { Registry } from '../runtime/index.ts';
import { assertStorable, upgradeStoredWorkflow } from './stored-workflow.ts';

const NAME = /^[A-Za-z0-9_-]{1,100}$/;

// A folder named like a workflow file is no workflow either.
const isNotAFile = (error: unknown) => ['ENOENT', 'EISDIR', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');

/** A project's saved workflows: `<name>.json` files in its workflows folder, read back at the current node versions. */
export class WorkflowFiles {
  constructor(private readonly projectId: string, private readonly dir: string, private readonly registry: Registry) {}

  async list(): Promise<{ name: string; updatedAt: string }[]> {
    const files = await fs.readdir(this.dir, { withFileTypes: true }).catch(() => []);
    const entries = [];
    for (const file of files) {
      const name = file.name.slice(0, -'.json'.length);
      if (!file.isFile() || !file.name.endsWith('.json') || !NAME.test(name)) continue;
      const stat = await fs.stat(path.join(this.dir, file.name));
      entries.push({ name, updatedAt: stat.mtime.toISOString() });
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  async read(name: string): Promise<unknown> {
    const file = await this.fileOf(name);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if (isNotAFile(error)) throw workflowNotFound(this.projectId, name);
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw workflowFileInvalid(this.projectId, name, error);
    }
    return upgradeStoredWorkflow(json, this.registry);
  }

  async write(name: string, workflow: unknown): Promise<void> {
    assertStorable(workflow, `workflow "${name}"`);
    await fs.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(await this.fileOf(name), `${JSON.stringify(workflow, null, 2)}\n`);
  }

  async remove(name: string): Promise<void> {
    try {
      await fs.unlink(await this.fileOf(name));
    } catch (error) {
      if (isNotAFile(error)) throw workflowNotFound(this.projectId, name);
      throw error;
    }
  }

  private fileOf(name: string): Promise<string> {
    return resolveNamedFile(this.dir, `${name}.json`, 'workflow name');
  }
}
