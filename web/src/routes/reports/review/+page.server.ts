// The reviewer's queue: reports waiting for review. Signing in keeps the reviewer token in an httpOnly cookie.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { api, ApiError } from '#lib/server/api.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';
import { clearReviewerToken, reviewerToken, setReviewerToken } from '#lib/server/reviewer-token.ts';

export const load: PageServerLoad = async ({ cookies, fetch }) => {
  const token = reviewerToken(cookies);
  if (!token) return { signedIn: false as const, queue: [] };
  try {
    return { signedIn: true as const, queue: await api(fetch).reports({ status: 'submitted' }, token) };
  } catch (cause) {
    if (cause instanceof ApiError && cause.status === 401) {
      clearReviewerToken(cookies);
      return { signedIn: false as const, queue: [], message: 'That token is not a reviewer or operator token.' };
    }
    return rethrowAsPageError(cause);
  }
};

export const actions: Actions = {
  signIn: async ({ request, cookies, url, fetch }) => {
    const token = String((await request.formData()).get('token') ?? '').trim();
    if (!token) return fail(400, { message: 'Enter the reviewer token.' });
    try {
      await api(fetch).reports({ status: 'submitted' }, token);
    } catch (cause) {
      if (cause instanceof ApiError)
        return fail(cause.status === 401 ? 401 : 502, {
          message: cause.status === 401 ? 'That token is not a reviewer or operator token.' : cause.message,
        });
      throw cause;
    }
    setReviewerToken(cookies, url, token);
    redirect(303, '/reports/review');
  },
  signOut: async ({ cookies }) => {
    clearReviewerToken(cookies);
    redirect(303, '/reports/review');
  },
};
