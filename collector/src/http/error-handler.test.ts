import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { MAX_ERROR_MESSAGE_CHARS, answerFrameworkError, installErrorHandling } from './error-handler.js';

describe('error shape', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  const build = async (): Promise<FastifyInstance> => {
    app = Fastify({ frameworkErrors: answerFrameworkError });
    installErrorHandling(app);
    app.get('/things/:id', async (request) => {
      const { id } = request.params as { id: string };
      if (id === 'missing') throw ApiError.notFound('thing', id);
      if (id === 'huge') throw ApiError.notFound('thing', 'x'.repeat(600_000));
      if (id === 'broken') throw new Error('disk on fire at /var/lib/x.js:12:3');
      return { id };
    });
    await app.ready();
    return app;
  };

  it('answers a URL whose percent-encoding does not decode with 400 in the API shape', async () => {
    const res = await (await build()).inject({ method: 'GET', url: '/things/%zz' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'bad_url', message: "'/things/%zz' is not a valid url component" } });
  });

  it('answers a path parameter past the router\'s length limit with 414 in the API shape', async () => {
    const res = await (await build()).inject({ method: 'GET', url: `/things/${'x'.repeat(500)}` });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual({ error: { code: 'max_param_length', message: expect.stringMatching(/exceeding the max param length/) } });
  });

  it('keeps an ApiError\'s status and code, and hides what an unexpected error says', async () => {
    await build();
    expect((await app.inject({ method: 'GET', url: '/things/missing' })).json()).toEqual({ error: { code: 'not_found', message: 'thing missing does not exist' } });
    const broken = await app.inject({ method: 'GET', url: '/things/broken' });
    expect(broken.statusCode).toBe(500);
    expect(broken.json()).toEqual({ error: { code: 'internal', message: 'internal server error' } });
  });

  it('cuts the middle out of a message that quotes a huge input, saying how much', async () => {
    const res = await (await build()).inject({ method: 'GET', url: '/things/huge' });
    expect(res.statusCode).toBe(404);
    const { message } = res.json().error as { message: string };
    expect(message.startsWith('thing xxx')).toBe(true);
    expect(message.endsWith('xxx does not exist')).toBe(true);
    expect(message).toContain(`… (${'thing '.length + 600_000 + ' does not exist'.length - 450} characters left out) …`);
    expect(message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS + 50);
  });
});
