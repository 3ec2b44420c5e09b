// Downloads the session's Markdown postmortem draft through the site, so the token stays in its httpOnly cookie.
import type { RequestHandler } from './$types';
import { api } from '#lib/server/api.ts';
import { requireToken } from '#lib/server/session-token.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';

export const GET: RequestHandler = async ({ params, cookies, fetch }) => {
  const token = requireToken(cookies, params.id);
  const markdown = await api(fetch).resultMarkdown(params.id, token).catch(rethrowAsPageError);
  return new Response(markdown, {
    headers: {
      'content-type': 'text/markdown; charset=utf-8',
      'content-disposition': `attachment; filename="postmortem-${params.id.replace(/[^A-Za-z0-9_-]/g, '_')}.md"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
};
