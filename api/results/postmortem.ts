// A Markdown postmortem draft from a session's result: summary, impact, timeline, root cause, what fixed it.
// Only for ended sessions, so it may name the root cause in Challenge mode too.
import type { SessionRow } from '../../db/schema.ts';
import type { Scenario } from '../../scenarios/lib/schema.ts';
import type { ResultDto } from '../contract.ts';

const clock = (seconds: number) => {
  const sign = seconds < 0 ? '−' : '+';
  const s = Math.round(Math.abs(seconds));
  return `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const minutes = (seconds: number) => `${Math.round((seconds / 60) * 10) / 10} min`;
/** Markdown-safe single line: recorded summaries come from participants' commands. */
const line = (text: string) => text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|])/g, '\\$1');

export function postmortemMarkdown(row: SessionRow, scenario: Scenario | undefined, result: ResultDto): string {
  const title = scenario?.spec.title ?? row.scenarioId;
  const fixes = result.replay.filter(
    (step) => step.kind === 'kube' && step.offsetSeconds >= 0 && (!result.greenAt || step.at <= result.greenAt),
  );
  const out = [
    `# Postmortem draft: ${line(title)}`,
    '',
    `*Practice session ${row.id} on the Failure Library (${row.mode} mode, system ${row.systemId}), by ${line(row.participantName)}.*`,
    '',
    '## Summary',
    '',
    `The SLA turned red at Start${result.startedAt ? ` (${result.startedAt})` : ''} and was green again after ${minutes(result.timeToRepairSeconds)}` +
      `${result.greenAt ? ` (${result.greenAt})` : ''}. Score ${result.score}.`,
    '',
    '## Impact',
    '',
    `- Time to repair: ${minutes(result.timeToRepairSeconds)}${result.parTimeSeconds !== undefined ? ` (par ${minutes(result.parTimeSeconds)})` : ''}`,
    ...(result.redSeconds !== undefined ? [`- SLA red for ${minutes(result.redSeconds)}`] : []),
    `- Error budget penalty: ${result.breakdown.budgetPenalty} points; collateral damage: ${result.breakdown.collateralPenalty} points`,
    ...result.reasons.filter((r) => r.term === 'budget' || r.term === 'collateral').map((r) => `  - ${line(r.message)}`),
    '',
    '## Timeline',
    '',
    '| offset | kind | what happened |',
    '|---|---|---|',
    ...result.replay.map((step) => `| ${clock(step.offsetSeconds)} | ${step.kind} | ${line(step.summary)} |`),
    '',
    '## Root cause',
    '',
    line(scenario?.spec.rootCause ?? 'not recorded'),
    ...(scenario?.spec.explanation ? ['', line(scenario.spec.explanation)] : []),
    '',
    '## What fixed it',
    '',
    ...(fixes.length > 0
      ? fixes.map((step) => `- ${clock(step.offsetSeconds)} \`${step.summary.replaceAll('`', "'")}\``)
      : ['- (no kubectl changes were recorded)']),
    ...(scenario?.spec.solutions[0]
      ? ['', "The library's reference fix:", '', '```sh', ...scenario.spec.solutions[0].commands, '```']
      : []),
    '',
    '## Follow-ups',
    '',
    '- [ ] What would have detected this sooner?',
    '- [ ] What would have prevented it?',
    '',
  ];
  return out.join('\n');
}
