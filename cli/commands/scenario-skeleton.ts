// `failurelib scenario-skeleton --report <id> [--api url] [--out dir]`: a new scenario drafted from a failure report
// (GET /api/reports/:id): its title, a story from what failed, the impact and the trigger, its taxonomy tags, the
// report as the source, and `TODO: …` markers where an author has to decide (system, codename, fault, oracle,
// solution, explanation, hints). `failurelib validate` names every TODO left, so the skeleton is refused until it
// is filled in. It never overwrites an existing scenario.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Document, isMap, type Pair, type Scalar } from 'yaml';
import type { ReportDto } from '../../api/reports/report-contract.ts';
import { apiClient } from '../api-client.ts';
import { display } from '../library-paths.ts';
import { UsageError } from '../usage-error.ts';

function systemFolders(root: string): string[] {
  const dir = join(root, 'systems');
  return existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];
}

export interface SkeletonOptions {
  report?: string;
  api?: string;
  out?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A scenario name from a title: lower-case words joined by dashes, at most 63 characters. */
export function scenarioName(title: string): string {
  const words = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let name = '';
  for (const word of words) {
    if (`${name}-${word}`.length > 63) break;
    name = name ? `${name}-${word}` : word;
  }
  return name || 'new-scenario';
}

/** The skeleton's YAML: every field the schema requires, the report's text where it has some, TODO markers elsewhere. */
export function skeletonYaml(report: ReportDto, name: string, systemIds: string[], reportUrl: string): string {
  const story = [report.whatFailed, `Impact: ${report.impact}`, `It started with: ${report.trigger}`].map((p) => p.trim()).join('\n\n');
  const systems = systemIds.join(', ');
  const spec = {
    title: report.title,
    codename: 'TODO: an authors-only nickname of two words, unique in the library',
    systems: [`TODO: the system this failure is played on (one of: ${systems})`],
    difficulty: 'medium',
    parTimeSeconds: 300,
    timeLimitSeconds: 1800,
    tags: report.tags.length > 0 ? report.tags : report.suggestedTags,
    source: { title: `Failure report ${report.id}: ${report.title}`, url: report.links[0] ?? reportUrl },
    story,
    rootCause: report.rootCause?.trim() || 'TODO: the root cause, in one or two sentences',
    explanation: 'TODO: why it happened and how to find it, shown after the session',
    hints: ['TODO: a first hint that points at where to look, without naming the fix'],
    steps:
      'TODO: the fault step(s) that reproduce what failed, e.g. [{ fault: { type: scale-to-zero, args: { deployment: storefront } } }]',
    oracle: {
      holdSeconds: 15,
      predicates:
        'TODO: what holds once it is repaired (the root cause gone, not just the SLA green), e.g. [{ deploymentAvailable: { name: storefront, minAvailable: 1 } }]',
    },
    solutions: [{ commands: ['TODO: the kubectl commands of the reference fix'] }],
  };
  const doc = new Document({ apiVersion: 'failurelib.dev/v1', kind: 'Scenario', metadata: { name }, spec });
  doc.commentBefore = ` Drafted by \`failurelib scenario-skeleton\` from ${reportUrl}\n Fill in every TODO; \`failurelib validate\` lists those left.`;
  const specNode = doc.get('spec', true);
  const comment = (key: string, text: string) => {
    if (!isMap(specNode)) return;
    const pair = specNode.items.find((item: Pair) => (item.key as Scalar).value === key);
    if (pair) (pair.key as Scalar).commentBefore = text;
  };
  comment('story', ' What participants read when the session starts: from what failed, the impact and the trigger.');
  comment('tags', " The report's taxonomy (layer, symptoms, trigger).");
  if (report.remediations.length > 0)
    comment(
      'solutions',
      ` The report's remediations:\n${report.remediations.flatMap((r) => [`   ${r.summary.split('\n')[0]} (${r.status})`, ...r.commands.map((c) => `     ${c}`)]).join('\n')}`,
    );
  return doc.toString({ lineWidth: 110 });
}

/** Reads only the library's folder names: a skeleton may be written while another one still has its TODOs. */
export async function writeSkeleton(root: string, options: SkeletonOptions, out: (line: string) => void): Promise<number> {
  if (!options.report) throw new UsageError('scenario-skeleton needs --report <id>');
  const { base, call } = apiClient(options.api);
  const response = await call('GET', `/api/reports/${encodeURIComponent(options.report)}`).catch((error: Error) => {
    if (error.message.includes(': 404 ')) throw new Error(`no report "${options.report}" at ${base}`);
    throw error;
  });
  const report = (await response.json()) as ReportDto;
  const dir = resolve(options.out ?? join(root, 'library', scenarioName(report.title)));
  const name = basename(dir);
  if (!NAME.test(name))
    throw new UsageError(`--out must end in the scenario's name (lower-case letters, digits and dashes): "${name}" is not one`);
  if (existsSync(join(dir, 'scenario.yaml')))
    throw new Error(`${display(join(dir, 'scenario.yaml'))} exists already: choose another --out`);
  if (existsSync(join(root, 'library', name)))
    throw new Error(`the library ${display(root)} has a scenario "${name}" already: choose another --out`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, skeletonYaml(report, name, systemFolders(root), `${base}/api/reports/${encodeURIComponent(report.id)}`), {
    flag: 'wx',
  });
  out(`wrote ${display(file)} from report ${report.id}: fill in its TODOs, then run \`failurelib validate\``);
  return 0;
}
