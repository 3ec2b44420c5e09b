// The Markdown postmortem draft and the result view: a participant's commands cannot inject Markdown, the fix
// list stops at the repair, and results stored before scoring read the recording still read in today's shape.
import { describe, expect, it } from 'vitest';
import { postmortemMarkdown } from '../../api/results/postmortem.ts';
import { normalizeResult, resultDto } from '../../api/results/result-view.ts';
import type { SessionEventRow, SessionRow } from '../../db/schema.ts';
import { loadLibrary } from '../../scenarios/lib/load.ts';
import { loadConfig } from '../../config/config.ts';

const library = loadLibrary(loadConfig({}).scenariosDir);
const scenario = library.scenarios.get('storefront-scaled-to-zero')!;
const START = new Date('2026-11-21T10:00:00Z');
const after = (seconds: number) => new Date(START.getTime() + seconds * 1000);

const row = (result: unknown): SessionRow => ({
  id: 's-1',
  workflowId: 'session-s-1',
  scenarioId: scenario.metadata.name,
  systemId: 'demo-app',
  mode: 'challenge',
  participantName: 'Ada <script>',
  badgeId: null,
  eventId: null,
  tokenHash: 'x',
  phase: 'completed',
  namespace: null,
  slaStatus: 'green',
  slaObjectives: [],
  hintsUsed: 0,
  dashboardUrl: null,
  result,
  createdAt: after(-30),
  startedAt: START,
  repairedAt: after(130),
  endedAt: after(140),
});
let nextId = 1;
const event = (seconds: number, kind: SessionEventRow['kind'], summary: string): SessionEventRow => ({
  id: nextId++,
  sessionId: 's-1',
  dedupeKey: `k${nextId}`,
  at: after(seconds),
  kind,
  summary,
  detail: null,
});

const scored = {
  score: 950,
  breakdown: { base: 1000, timePenalty: 0, budgetPenalty: 0, hintPenalty: 0, collateralPenalty: 50, total: 950 },
  reasons: [{ term: 'collateral', points: 50, message: 'changed deployments/catalog, which the failure did not involve' }],
  formula: 'score = …',
  timeToRepairSeconds: 120,
  parTimeSeconds: 180,
  redSeconds: 120,
};
const events = [
  event(-10, 'phase', 'Sandbox ready'),
  event(0, 'phase', 'Injecting the fault'),
  event(1, 'sla', 'SLA red: storefront-available'),
  event(60, 'kube', 'kubectl scale deployment/catalog (spec.replicas 2→3) | `evil` **bold**'),
  event(110, 'kube', 'kubectl scale deployment/storefront (spec.replicas 0→2)'),
  event(120, 'sla', 'SLA green'),
  event(125, 'kube', 'kubectl get pods --after-the-repair'),
];

describe('the result view', () => {
  it('gives offsets from Start, the moment the SLA turned green, and the root cause after the end', () => {
    const dto = resultDto(row(scored), events, scenario);
    expect(dto.replay.map((step) => step.offsetSeconds)).toEqual([-10, 0, 1, 60, 110, 120, 125]);
    expect(dto.greenAt).toBe(after(120).toISOString());
    expect(dto.rootCause).toBe(scenario.spec.rootCause);
  });

  it('reads a result stored before scoring read the recording', () => {
    expect(
      normalizeResult({ score: 960, breakdown: { base: 1000, timeOverPar: -40, hints: 0, floor: 0 }, timeToRepairSeconds: 300 }).breakdown,
    ).toEqual({ base: 1000, timePenalty: 40, budgetPenalty: 0, hintPenalty: 0, collateralPenalty: 0, total: 960 });
  });
});

describe('postmortemMarkdown', () => {
  const markdown = postmortemMarkdown(row(scored), scenario, resultDto(row(scored), events, scenario));

  it('has the sections of a postmortem, with impact and root cause', () => {
    for (const heading of [
      '# Postmortem draft: The storefront scaled to zero',
      '## Summary',
      '## Impact',
      '## Timeline',
      '## Root cause',
      '## What fixed it',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain('- SLA red for 2 min');
    expect(markdown).toContain('changed deployments/catalog');
    expect(markdown).toContain(scenario.spec.rootCause);
  });

  it('lists the changes up to the repair as what fixed it, not the ones after', () => {
    const fixed = markdown.slice(markdown.indexOf('## What fixed it'));
    expect(fixed).toContain('+1:50 `kubectl scale deployment/storefront (spec.replicas 0→2)`');
    expect(fixed).not.toContain('--after-the-repair');
  });

  it('escapes what participants typed: no table breaks, no HTML', () => {
    expect(markdown).toContain('Ada \\<script\\>');
    const line = markdown.split('\n').find((l) => l.includes('deployment/catalog') && l.startsWith('|'))!;
    expect(line.split(' | ')).toHaveLength(3);
    expect(line).toContain('\\`evil\\` \\*\\*bold\\*\\*');
  });
});
