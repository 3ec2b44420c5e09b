// Published failure reports, searchable by text and filtered by tag.
import type { PageServerLoad } from './$types';
import { api } from '#lib/server/api.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';

export const load: PageServerLoad = async ({ url, fetch }) => {
  const q = url.searchParams.get('q')?.slice(0, 200) ?? '';
  const tag = url.searchParams.get('tag') ?? '';
  const reports = await api(fetch)
    .reports({ q, tag: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(tag) ? tag : '' })
    .catch(rethrowAsPageError);
  return { reports, q, tag };
};
