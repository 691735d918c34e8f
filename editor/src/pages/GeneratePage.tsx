import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type AdapterFile } from '../api/client.ts';
import type { GalleryImage, NodeDescription, Project } from '../api/types.ts';
import { randomSeed } from '../graph/seeds.ts';
import { isActive, overallProgress } from '../run/run-record.ts';
import { freeDraftName, writeDraft } from '../storage/drafts.ts';
import { ProgressBar } from '../ui/ProgressBar.tsx';
import { editorHref } from '../ui/route.ts';
import type { Notify } from '../ui/toasts.tsx';
import { useTracker } from '../ui/use-tracker.ts';
import type { Workflow } from '../workflow/types.ts';
import { overrideInputs } from '../../../contract/index.ts';
import { EditorError } from '../errors.ts';
import { formBindings, type FormBindings } from './generate/form-bindings.ts';
import { generationRequests, type GenerateMode, type GenerateSettings } from './generate/generation-request.ts';
import { SettingsForm } from './generate/SettingsForm.tsx';
import { LoraPicker } from './generate/LoraPicker.tsx';
import { EmbeddingList } from './generate/EmbeddingList.tsx';
import { withLoras, type LoraChoice } from './generate/with-loras.ts';
import { InpaintControls } from './generate/InpaintControls.tsx';
import { useInitImage } from './generate/use-init-image.tsx';

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
  schedule: 'default',
  steps: 20,
  cfg: 7.5,
  seed: 42,
  randomizeSeed: false,
  // 0: the model's native size (512 for SD 1.5, 64 for the tiny models)
  width: 0,
  height: 0,
  batchSize: 1,
  batchCount: 1,
  strength: 0.75,
};

const NO_FORMS: Record<GenerateMode, FormBindings> = { txt2img: {}, img2img: {}, inpaint: {} };

export function GeneratePage({ projectId, notify }: { projectId: string; notify: Notify }) {
  const [project, setProject] = useState<Project>();
  const [nodes, setNodes] = useState<NodeDescription[]>([]);
  const [settings, setSettings] = useState(DEFAULTS);
  const init = useInitImage(projectId, notify);
  const [runIds, setRunIds] = useState<string[]>([]);
  const [failure, setFailure] = useState<string>();
  const [forms, setForms] = useState(NO_FORMS);
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
    const formOf = (name: string) => api.workflow(projectId, name).then(formBindings, () => ({}));
    void Promise.all([formOf('txt2img'), formOf('img2img'), formOf('inpaint')]).then(([txt2img, img2img, inpaint]) => setForms({ txt2img, img2img, inpaint }));
    refreshGallery();
  }, [projectId, notify, refreshGallery]);

  const specs = useMemo(() => new Map(nodes.map((n) => [n.type, n])), [nodes]);
  // The runs of the last Generate: the active one (else the last) is the one shown.
  const runs = runIds.map((id) => snapshot?.runs.find((r) => r.runId === id)).filter((r) => r !== undefined);
  const run = runs.find(isActive) ?? runs.at(-1);
  const runId = run?.runId;
  const runImages = runIds.flatMap((id) => snapshot?.images.get(id) ?? []);
  const finishedCount = runs.filter((r) => r.status === 'finished').length;
  useEffect(() => {
    if (finishedCount > 0) refreshGallery();
  }, [finishedCount, refreshGallery]);

  const previews = runId ? snapshot?.previews.get(runId) : undefined;
  const live = previews?.get('decode')?.url ?? previews?.get('unet')?.url ?? [...(previews?.values() ?? [])].at(-1)?.url;
  const shownImages = run && isActive(run) ? [] : runImages;

  /** The form's runs on the shipped workflow; with LoRAs, each is the workflow itself with LoraLoaders added. */
  const buildRequests = async (): Promise<{ workflowName: string; overrides: Record<string, unknown>; workflow?: Workflow }[]> => {
    const requests = generationRequests(settings, forms, await init.upload());
    if (loras.length === 0) return requests;
    return Promise.all(
      requests.map(async (request) => ({
        workflowName: request.workflowName,
        overrides: {},
        workflow: withLoras(overridden(await api.workflow(projectId, request.workflowName), request.overrides), loras),
      })),
    );
  };

  const generate = async () => {
    // A failed Generate shows its failure, never the previous run's image as if it were this one's.
    setRunIds([]);
    setFailure(undefined);
    try {
      const queued: string[] = [];
      for (const request of await buildRequests()) {
        const { id } = await api.queueRun(projectId, request.workflow ? { workflow: request.workflow } : request);
        tracker?.track(id, request.workflowName);
        queued.push(id);
        setRunIds([...queued]);
      }
      if (settings.randomizeSeed) setSettings((s) => ({ ...s, seed: randomSeed() }));
    } catch (e) {
      setFailure((e as Error).message);
      notify(`Could not generate: ${(e as Error).message}`, 'error');
    }
  };

  /** Opens the form's workflow in the editor as a draft; unsaved editor work under that name is kept, and this one gets a new name. */
  const openInEditor = async () => {
    try {
      const [request] = await buildRequests();
      const workflow = request.workflow ?? overridden(await api.workflow(projectId, request.workflowName), request.overrides);
      const saved = await api.workflows(projectId);
      const name = freeDraftName(projectId, request.workflowName, saved);
      writeDraft(projectId, { workflowName: name, workflow, dirty: true });
      if (name !== request.workflowName) notify(`Opened as ${name}: ${request.workflowName} has unsaved changes in the editor`, 'info');
      location.hash = editorHref(projectId, name);
    } catch (e) {
      notify(`Could not open the workflow: ${(e as Error).message}`, 'error');
    }
  };

  return (
    <div className="lf-page lf-generate">
      <section className="lf-generate-form">
        <h1>{project?.name ?? projectId}</h1>
        {project?.description && <p className="lf-muted">{project.description}</p>}
        <SettingsForm settings={settings} onChange={setSettings} specs={specs} initImage={init.file} onInitImage={init.setFile} />
        {init.file && <InpaintControls mask={init.mask} onPaint={() => void init.paint()} onRemove={init.removeMask} />}
        <LoraPicker available={adapters.loras} chosen={loras} onChange={setLoras} />
        <EmbeddingList embeddings={adapters.embeddings} onInsert={(token) => setSettings((s) => ({ ...s, prompt: s.prompt.trim() ? `${s.prompt.trimEnd()}, ${token}` : token }))} />
        <div className="lf-actions">
          <button type="button" className="lf-primary" onClick={() => void generate()} disabled={run !== undefined && isActive(run)} data-testid="generate">Generate</button>
          {run && isActive(run) && <button type="button" onClick={() => void api.cancelRun(run.runId).catch((e: Error) => notify(e.message, 'error'))}>Cancel</button>}
          <button type="button" onClick={() => void openInEditor()}>Open in editor</button>
        </div>
      </section>
      <section className="lf-generate-output">
        {run && <ProgressBar value={overallProgress(run)} label="generation progress" testId="generate-progress" />}
        {run && <p className="lf-run-status" data-testid="generate-status">{runs.length > 1 ? `run ${runs.indexOf(run) + 1} of ${runs.length}: ` : ''}{run.status}{run.error ? `: ${run.error.message}` : ''}</p>}
        {!run && failure && <p className="lf-run-status lf-issue" data-testid="generate-status">failed: {failure}</p>}
        <div className={`lf-live-preview${shownImages.length > 1 ? ' lf-preview-grid' : ''}`} data-testid="live-preview">
          {shownImages.length > 0
            ? shownImages.map((image) => <img key={image.url} src={image.url} alt={image.filename} data-testid="generated-image" />)
            : live ? <img src={live} alt="live preview" /> : <span className="lf-muted">The preview appears here while it generates.</span>}
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
      {init.dialog}
    </div>
  );
}
