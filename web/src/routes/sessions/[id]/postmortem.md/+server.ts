// Downloads the session's Markdown postmortem draft through the site, so the token stays in its httpOnly cookie.
import type { RequestHandler } from './$types';
import { api } from '#lib/server/api.ts';
import { downloadResponse } from '#lib/server/download.ts';
import { requireToken } from '#lib/server/session-token.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';

export const GET: RequestHandler = async ({ params, cookies, fetch }) => {
  const token = requireToken(cookies, params.id);
  const markdown = await api(fetch).resultMarkdown(params.id, token).catch(rethrowAsPageError);
  return downloadResponse(markdown, 'text/markdown; charset=utf-8', `postmortem-${params.id.replace(/[^A-Za-z0-9_-]/g, '_')}.md`);
};
