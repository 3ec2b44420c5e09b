// Turns API failures into SvelteKit errors and action failures the pages know how to show.
import { error, fail } from '@sveltejs/kit';
import { ApiError } from './api.ts';

/** Re-throws an ApiError as a SvelteKit error page; anything else is a real bug and propagates. */
export function rethrowAsPageError(cause: unknown): never {
  if (cause instanceof ApiError) {
    error(pageStatus(cause.status), cause.message, { code: cause.code });
  }
  throw cause;
}

/** An ApiError as an action failure carrying which action failed and a message to show. */
export function actionFailure(action: string, cause: unknown) {
  if (cause instanceof ApiError) {
    return fail(pageStatus(cause.status), { action, message: cause.message, code: cause.code });
  }
  throw cause;
}

function pageStatus(status: number): number {
  return status >= 400 && status <= 599 ? status : 502;
}
