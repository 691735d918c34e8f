import { EditorPage } from './pages/EditorPage.tsx';
import { GeneratePage } from './pages/GeneratePage.tsx';
import { ProjectsPage } from './pages/ProjectsPage.tsx';
import { editorHref, generateHref, useRoute } from './ui/route.ts';
import { Toasts, useToasts } from './ui/toasts.tsx';
import { useProjectName } from './ui/use-project-name.ts';

export function App() {
  const route = useRoute();
  const [toasts, notify] = useToasts();
  const projectId = route.page === 'projects' ? 'default' : route.projectId;
  const projectName = useProjectName(route.page === 'projects' ? undefined : route.projectId);
  return (
    <div className="lf-app">
      <nav className="lf-nav">
        <strong className="lf-brand">latentflow</strong>
        <a href={editorHref(projectId)} className={route.page === 'editor' ? 'lf-active' : ''}>Editor</a>
        <a href={generateHref(projectId)} className={route.page === 'generate' ? 'lf-active' : ''}>Generate</a>
        <a href="#/projects" className={route.page === 'projects' ? 'lf-active' : ''}>Projects</a>
        {projectName && <span className="lf-muted" data-testid="project-name">project: {projectName}</span>}
      </nav>
      <main className="lf-main">
        {route.page === 'editor' && <EditorPage key={`${route.projectId}/${route.workflowName ?? ''}`} projectId={route.projectId} workflowName={route.workflowName} notify={notify} />}
        {route.page === 'generate' && <GeneratePage key={route.projectId} projectId={route.projectId} notify={notify} />}
        {route.page === 'projects' && <ProjectsPage notify={notify} />}
      </main>
      <Toasts toasts={toasts} />
    </div>
  );
}
