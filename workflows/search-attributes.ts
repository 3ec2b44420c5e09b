// Typed keys of the custom search attributes registered at dev-server start (infra/temporal/search-attributes.ts).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const FlPhase = defineSearchAttributeKey('FlPhase', SearchAttributeType.KEYWORD);
export const FlScenario = defineSearchAttributeKey('FlScenario', SearchAttributeType.KEYWORD);
export const FlSystem = defineSearchAttributeKey('FlSystem', SearchAttributeType.KEYWORD);
export const FlMode = defineSearchAttributeKey('FlMode', SearchAttributeType.KEYWORD);
export const FlParticipant = defineSearchAttributeKey('FlParticipant', SearchAttributeType.KEYWORD);
export const FlEvent = defineSearchAttributeKey('FlEvent', SearchAttributeType.KEYWORD);
