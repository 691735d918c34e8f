import { describe, expect, it } from 'vitest';
import { apiErrorMessage } from '../../../editor/src/api/error-message.ts';

describe('the message a failed API call shows', () => {
  it("is the server's own message, without the request's method and path", () => {
    const message = apiErrorMessage(404, 'Not Found', { code: 'workflow_not_found', message: 'Project "p" has no workflow named "x"' } as never);
    expect(message).toBe('Project "p" has no workflow named "x"');
    expect(message).not.toMatch(/\/api\/|GET|404/);
  });

  it('leads with the first validation error and counts the others', () => {
    const errors = [
      { code: 'out_of_range', message: 'schedule.steps must be at least 1' },
      { code: 'missing_input', message: 'unet.latent is not connected' },
      { code: 'cycle', message: 'a -> b -> a' },
    ];
    expect(apiErrorMessage(400, 'Bad Request', { issues: errors, message: 'The workflow is invalid' })).toBe('schedule.steps must be at least 1 (and 2 more problems)');
  });

  it('says what the server answered when it gave no message', () => {
    expect(apiErrorMessage(502, 'Bad Gateway', {})).toBe('The server answered 502 Bad Gateway');
  });
});
