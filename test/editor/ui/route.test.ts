import { describe, expect, it } from 'vitest';
import { editorHref, generateHref, parseRoute } from '../../../editor/src/ui/route.ts';

describe('hash routes', () => {
  it('opens the editor on the default project by default', () => {
    expect(parseRoute('')).toEqual({ page: 'editor', projectId: 'default', workflowName: undefined });
    expect(parseRoute('#/editor?workflow=img2img')).toEqual({ page: 'editor', projectId: 'default', workflowName: 'img2img' });
  });

  it('parses project pages', () => {
    expect(parseRoute('#/projects')).toEqual({ page: 'projects' });
    expect(parseRoute('#/projects/p%201/generate')).toEqual({ page: 'generate', projectId: 'p 1' });
    expect(parseRoute('#/projects/abc/editor?workflow=txt2img')).toEqual({ page: 'editor', projectId: 'abc', workflowName: 'txt2img' });
  });

  it('builds links that parse back to the same page', () => {
    expect(parseRoute(editorHref('abc', 'x'))).toEqual({ page: 'editor', projectId: 'abc', workflowName: 'x' });
    expect(parseRoute(editorHref('default'))).toEqual({ page: 'editor', projectId: 'default', workflowName: undefined });
    expect(parseRoute(generateHref('a/b'))).toEqual({ page: 'generate', projectId: 'a/b' });
  });

  it('keeps a segment that is not valid percent-encoding as written instead of throwing', () => {
    expect(parseRoute('#/projects/%E0%A4%A/generate')).toEqual({ page: 'generate', projectId: '%E0%A4%A' });
  });
});
