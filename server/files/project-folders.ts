import fs from 'node:fs/promises';
import path from 'node:path';

/** Where a project keeps its files: `<dataDir>/projects/<id>/{workflows,inputs,outputs}`. */
export class ProjectFolders {
  constructor(private readonly dataDir: string) {}

  root(projectId: string): string {
    return path.join(this.dataDir, 'projects', projectId);
  }

  workflows(projectId: string): string {
    return path.join(this.root(projectId), 'workflows');
  }

  inputs(projectId: string): string {
    return path.join(this.root(projectId), 'inputs');
  }

  outputs(projectId: string): string {
    return path.join(this.root(projectId), 'outputs');
  }

  async ensure(projectId: string): Promise<void> {
    for (const dir of [this.workflows(projectId), this.inputs(projectId), this.outputs(projectId)]) {
      await fs.mkdir(dir, { recursive: true });
    }
  }

  /** Copies the shipped workflows (`*.json` of `shippedDir`) into a new project; existing files are kept. */
  async seedWorkflows(projectId: string, shippedDir: string): Promise<void> {
    const names = await fs.readdir(shippedDir).catch(() => [] as string[]);
    for (const name of names.filter((file) => file.endsWith('.json'))) {
      await fs.copyFile(path.join(shippedDir, name), path.join(this.workflows(projectId), name), fs.constants.COPYFILE_EXCL).catch((error) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      });
    }
  }

  async remove(projectId: string): Promise<void> {
    await fs.rm(this.root(projectId), { recursive: true, force: true });
  }
}
