import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { HardwareInfo, Project } from '../api/types.ts';
import { editorHref, generateHref } from '../ui/route.ts';
import type { Notify } from '../ui/toasts.tsx';

const GiB = 1024 ** 3;

export function ProjectsPage({ notify }: { notify: Notify }) {
  const [projects, setProjects] = useState<Project[]>([]);
  const [hardware, setHardware] = useState<HardwareInfo>();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [backend, setBackend] = useState('cpu');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.projects().then(setProjects, (e: Error) => notify(e.message, 'error'));
    api.hardware().then((info) => {
      setHardware(info);
      const usable = info.backends.find((b) => b.available);
      if (usable) setBackend(usable.name);
    }, (e: Error) => notify(`Could not read the hardware: ${e.message}`, 'error'));
  }, [notify]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    try {
      const project = await api.createProject({ name: name.trim(), description: description.trim(), hardware: backend });
      notify(`Created project ${project.name}`, 'info');
      location.hash = generateHref(project.id);
    } catch (err) {
      notify(`Could not create the project: ${(err as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="lf-page lf-projects">
      <section>
        <h1>Projects</h1>
        <ul className="lf-project-list" data-testid="projects">
          {projects.map((p) => (
            <li key={p.id} data-project-id={p.id}>
              <div>
                <strong>{p.name}</strong>
                {p.hardware && <span className="lf-chip">{p.hardware}</span>}
                {p.description && <p className="lf-muted">{p.description}</p>}
              </div>
              <a href={generateHref(p.id)}>Generate</a>
              <a href={editorHref(p.id)}>Editor</a>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>New project</h2>
        <form className="lf-form" onSubmit={(e) => void create(e)} data-testid="new-project">
          <label>Name <input required value={name} onChange={(e) => setName(e.target.value)} name="name" /></label>
          <label>Description <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} name="description" /></label>
          <label>Hardware
            <select value={backend} onChange={(e) => setBackend(e.target.value)} name="backend">
              {(hardware?.backends ?? [{ name: 'cpu', available: true }]).map((b) => (
                <option key={b.name} value={b.name} disabled={!b.available}>
                  {b.name}{b.available ? '' : ` (unavailable${b.reason ? `: ${b.reason}` : ''})`}
                </option>
              ))}
            </select>
          </label>
          {hardware && (
            <p className="lf-muted">
              {hardware.cpu.model}, {hardware.cpu.cores} cores, {(hardware.memoryBytes / GiB).toFixed(1)} GiB RAM, {hardware.gpus.length} GPU(s)
            </p>
          )}
          <button type="submit" className="lf-primary" disabled={busy}>Create project</button>
        </form>
      </section>
    </div>
  );
}
