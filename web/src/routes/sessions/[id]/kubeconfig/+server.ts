// Downloads the session's kubeconfig through the site, so the token never leaves its httpOnly cookie.
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { api } from '#lib/server/api.ts';
import { downloadResponse } from '#lib/server/download.ts';
import { requireToken } from '#lib/server/session-token.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';
import { kubeconfigFileName } from '#lib/format.ts';

export const GET: RequestHandler = async ({ params, cookies, fetch }) => {
  const token = requireToken(cookies, params.id);
  const kubeconfig = await api(fetch).kubeconfig(params.id, token).catch(rethrowAsPageError);
  if (!kubeconfig.trim()) error(502, 'The API returned an empty kubeconfig.', { code: 'empty_kubeconfig' });

  return downloadResponse(kubeconfig, 'application/yaml; charset=utf-8', kubeconfigFileName(params.id));
};
