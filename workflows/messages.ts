// The session workflow's messages, defined next to it so the API and the workflow share one definition.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { HintResult, Phase, SessionState } from './types.ts';

/** Inject the fault. Rejected unless the session is `ready`. */
export const startUpdate = defineUpdate<{ phase: Phase }>('start');
export const abandonSignal = defineSignal('abandon');
/** Returns the next hint (free in Learn mode, costs points in Challenge mode). */
export const requestHintUpdate = defineUpdate<HintResult>('requestHint');
/** Operator: add seconds to the running time box. */
export const extendTimeSignal = defineSignal<[seconds: number]>('extendTime');
export const stateQuery = defineQuery<SessionState>('state');
