import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type AdapterFile } from '../api/client.ts';
import type { GalleryImage, NodeDescription, Project } from '../api/types.ts';
import { randomSeed } from '../graph/seeds.ts';
import { isActive, overallProgress } from '../run/run-record.ts';
import { writeDraft } from '../storage/drafts.ts';
import { ProgressBar } from '../ui/ProgressBar.tsx';
import { editorHref } from '../ui/route.ts';
import type { Notify } from '../ui/toasts.tsx';
import { useTracker } from '../ui/use-tracker.ts';
import type { Workflow } from '../workflow/types.ts';
import { overrideInputs } from '../../../contract/index.ts';
import { EditorError } from '../errors.ts';
import { generationRequest, type GenerateSettings } from './generate/generation-request.ts';
import { SettingsForm } from './generate/SettingsForm.tsx';
import { LoraPicker } from './generate/LoraPicker.tsx';
import { withLoras, type LoraChoice } from './generate/with-loras.ts';

/** The workflow with the form's overrides; a bad override is the editor's bug, reported as such. */
function overridden(workflow: Workflow, overrides: Record<string, unknown>): Workflow {
  const { workflow: result, issues } = overrideInputs(workflow, overrides);
  if (issues.length > 0) throw new EditorError('bad_workflow', issues[0].message);
  return result as Workflow;
}

const DEFAULTS: GenerateSettings = {
  prompt: 'a red circle on a blue background',
  negative: '',
  sampler: 'euler',
  steps: 20,
  cfg: 7.5,
  seed: 42,
  randomizeSeed: false,
  // 0: the model's native size (512 for SD 1.5, 64 for the tiny models)
  width: 0,
  height: 0,
  strength: 0.75,
};

export function GeneratePage({ projectId, notify }: { projectId: string; notify: Notify }) {
  const [project, setProject] = useState<Project>();
  const [nodes, setNodes] = useState<NodeDescription[]>([]);
  const [settings, setSettings] = useState(DEFAULTS);
  const [initImage, setInitImage] = useState<File>();
  const [uploaded, setUploaded] = useState<{ file: File; filename: string }>();
  const [runId, setRunId] = useState<string>();
  const [gallery, setGallery] = useState<GalleryImage[]>([]);
  const [tracker, snapshot] = useTracker(projectId);
  const [adapters, setAdapters] = useState<{ loras: AdapterFile[]; embeddings: AdapterFile[] }>({ loras: [], embeddings: [] });
  const [loras, setLoras] = useState<LoraChoice[]>([]);

  const refreshGallery = useCallback(() => {
    api.images(projectId).then((images) => setGallery([...images].reverse()), (e: Error) => notify(e.message, 'error'));
  }, [projectId, notify]);

  useEffect(() => {
    api.project(projectId).then(setProject, (e: Error) => notify(`Could not open project ${projectId}: ${e.message}`, 'error'));
    api.nodes().then(setNodes, (e: Error) => notify(e.message, 'error'));
    api.adapters().then(setAdapters, (e: Error) => notify(e.message, 'error'));
    refreshGallery();
  }, [projectId, notify, refreshGallery]);

  const specs = useMemo(() => new Map(nodes.map((n) => [n.type, n])), [nodes]);
  const run = snapshot?.runs.find((r) => r.runId === runId);
  const runImages = runId ? snapshot?.images.get(runId) : undefined;
  useEffect(() => {
    if (run?.status === 'finished') refreshGallery();
  }, [run?.status, refreshGallery]);

  const previews = runId ? snapshot?.previews.get(runId) : undefined;
  const preview = runImages?.[0]?.url ?? previews?.get('decode')?.url ?? previews?.get('unet')?.url ?? [...(previews?.values() ?? [])].at(-1)?.url;

  const uploadInitImage = async (): Promise<string | undefined> => {
    if (!initImage) return undefined;
    if (uploaded?.file === initImage) return uploaded.filename;
    const { filename } = await api.upload(projectId, initImage);
    setUploaded({ file: initImage, filename });
    return filename;
  };

  /** The shipped workflow by name with overrides; with LoRAs, the workflow itself with LoraLoaders added. */
  const buildRequest = async () => {
    const request = generationRequest(settings, await uploadInitImage());
    if (loras.length === 0) return request;
    const workflow = withLoras(overridden(await api.workflow(projectId, request.workflowName), request.overrides), loras);
    return { workflowName: request.workflowName, overrides: {}, workflow };
  };

  const generate = async () => {
    try {
      const request = await buildRequest();
      const { id } = await api.queueRun(projectId, request.workflow ? { workflow: request.workflow } : request);
      tracker?.track(id, request.workflowName);
      setRunId(id);
      if (settings.randomizeSeed) setSettings((s) => ({ ...s, seed: randomSeed() }));
    } catch (e) {
      notify(`Could not generate: ${(e as Error).message}`, 'error');
    }
  };

  const openInEditor = async () => {
    try {
      const request = await buildRequest();
      const workflow = request.workflow ?? overridden(await api.workflow(projectId, request.workflowName), request.overrides);
      writeDraft(projectId, { workflowName: request.workflowName, workflow, dirty: true });
      location.hash = editorHref(projectId, request.workflowName);
    } catch (e) {
      notify(`Could not open the workflow: ${(e as Error).message}`, 'error');
    }
  };

  return (
    <div className="lf-page lf-generate">
      <section className="lf-generate-form">
        <h1>{project?.name ?? projectId}</h1>
        {project?.description && <p className="lf-muted">{project.description}</p>}
        <SettingsForm settings={settings} onChange={setSettings} specs={specs} initImage={initImage} onInitImage={setInitImage} />
        <LoraPicker available={adapters.loras} embeddings={adapters.embeddings} chosen={loras} onChange={setLoras} />
        <div className="lf-actions">
          <button type="button" className="lf-primary" onClick={() => void generate()} disabled={run !== undefined && isActive(run)} data-testid="generate">Generate</button>
          {run && isActive(run) && <button type="button" onClick={() => void api.cancelRun(run.runId).catch((e: Error) => notify(e.message, 'error'))}>Cancel</button>}
          <button type="button" onClick={() => void openInEditor()}>Open in editor</button>
        </div>
      </section>
      <section className="lf-generate-output">
        {run && <ProgressBar value={overallProgress(run)} label="generation progress" testId="generate-progress" />}
        {run && <p className="lf-run-status" data-testid="generate-status">{run.status}{run.error ? `: ${run.error.message}` : ''}</p>}
        <div className="lf-live-preview" data-testid="live-preview">
          {preview ? <img src={preview} alt="live preview" /> : <span className="lf-muted">The preview appears here while it generates.</span>}
        </div>
        <h2>Gallery</h2>
        <div className="lf-gallery" data-testid="gallery">
          {gallery.map((image) => (
            <figure key={image.filename}>
              <img src={image.url} alt={image.filename} loading="lazy" />
              <figcaption><a href={image.url} download={image.filename}>Download</a></figcaption>
            </figure>
          ))}
          {gallery.length === 0 && <p className="lf-muted">No images yet.</p>}
        </div>
      </section>
    </div>
  );
}
