// The layer boundaries of eslint.config.js, run through ESLint itself: each rule refuses the import that
// crosses its boundary and lets the allowed one through, so a config edit that drops a rule fails here.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

interface Case {
  file: string;
  code: string;
  refused?: RegExp;
}

// `refused` is what the rule's message must say; cases without it must pass the rule.
const cases: Case[] = [
  // api/ never imports activities/ nor infra/; shared pieces come from cluster/ and scoring/.
  {
    file: 'api/results/result-view.ts',
    code: "import { SCORE_FORMULA } from '../../activities/scoring.ts';",
    refused: /never imports activities/,
  },
  { file: 'api/results/result-view.ts', code: "import { SCORE_FORMULA } from '../../scoring/score.ts';" },
  {
    file: 'api/main.ts',
    code: "import { connectCluster } from '../activities/cluster/connect-cluster.ts';",
    refused: /never imports activities/,
  },
  { file: 'api/main.ts', code: "import { connectCluster } from '../cluster/connect-cluster.ts';" },
  {
    file: 'api/routes/sessions.ts',
    code: "import { renderKubeconfig } from '../../infra/sim-cluster/kubeconfig.ts';",
    refused: /infra\/ is dev and ops/,
  },
  { file: 'api/routes/sessions.ts', code: "import { renderKubeconfig } from '../../cluster/kubeconfig.ts';" },
  { file: 'api/main.ts', code: "import { startGateway } from '../gateway/server.ts';" },
  // cluster/ imports neither activities/, api/, gateway/ nor infra/.
  {
    file: 'cluster/namespace-driver.ts',
    code: "import { releaseClusterScoped } from '../activities/faults/cluster-scoped.ts';",
    refused: /never imports activities/,
  },
  { file: 'cluster/namespace-driver.ts', code: "import { releaseClusterScoped } from './cluster-scoped.ts';" },
  { file: 'cluster/cli.ts', code: "import { findTool } from '../infra/lib/tools.ts';", refused: /infra\/ is dev and ops/ },
  { file: 'cluster/cli.ts', code: "import { findTool } from './tools.ts';" },
  { file: 'cluster/sandbox.ts', code: "import { hashToken } from '../lib/tokens.ts';" },
  { file: 'cluster/sandbox.ts', code: "import type { ApiDeps } from '../api/deps.ts';", refused: /never imports api/ },
  {
    file: 'cluster/sandbox.ts',
    code: "import { issueKubeCredential } from '../gateway/credentials.ts';",
    refused: /never imports gateway/,
  },
  // The gateway may use cluster/ and the session terms, never api/ or activities/.
  { file: 'gateway/upstream.ts', code: "import { IdleCache } from '../cluster/idle-cache.ts';" },
  { file: 'gateway/credentials.ts', code: "import { isTerminalPhase } from '../domain/session-terms.ts';" },
  { file: 'gateway/credentials.ts', code: "import { TERMINAL_PHASES } from '../api/contract.ts';", refused: /never imports api/ },
  { file: 'gateway/server.ts', code: "import { bearerToken } from '../api/auth/session-access.ts';", refused: /never imports api/ },
  {
    file: 'gateway/engine-marks.ts',
    code: "import { FAULT_ANNOTATION } from '../activities/faults/handler.ts';",
    refused: /never imports activities/,
  },
  { file: 'gateway/tls.ts', code: "import { ROOT } from '../infra/lib/tools.ts';", refused: /infra\/ is dev and ops/ },
  // Other production code never imports infra/; infra/ may import production code.
  {
    file: 'activities/session-activities.ts',
    code: "import { renderKubeconfig } from '../infra/sim-cluster/kubeconfig.ts';",
    refused: /infra\/ is dev and ops/,
  },
  { file: 'worker/main.ts', code: "import { freePort } from '../infra/lib/ports.ts';", refused: /infra\/ is dev and ops/ },
  {
    file: 'db/client.ts',
    code: "import { startEmbeddedDatabase } from '../infra/db/pglite-server.ts';",
    refused: /infra\/ is dev and ops/,
  },
  { file: 'infra/stack/main.ts', code: "import { connectCluster } from '../../cluster/connect-cluster.ts';" },
  // The CLI's production commands never import infra/; sim-stages is the author tool that renders infra's kwok stages.
  { file: 'cli/commands/run.ts', code: "import { requireTool } from '../../infra/lib/tools.ts';", refused: /infra\/ is dev and ops/ },
  { file: 'cli/commands/sim-stages.ts', code: "import { renderKwokStages } from '../../infra/sim-cluster/kwok-stages.ts';" },
  // `failurelib remediate` evaluates detections with the oracle's own code; the API only hands the predicates out.
  { file: 'cli/commands/remediate.ts', code: "import { evaluatePredicate } from '../../activities/oracle/predicates.ts';" },
  {
    file: 'api/reports/verified-remediations.ts',
    code: "import { evaluatePredicate } from '../../activities/oracle/predicates.ts';",
    refused: /never imports activities/,
  },
  // The score stays pure.
  { file: 'scoring/score.ts', code: "import { sessions } from '../db/schema.ts';", refused: /pure module does no I\/O/ },
  { file: 'scoring/score.ts', code: "import type { ScoreInput } from '../workflows/types.ts';" },
  // The boundaries that were there before: deterministic workflows, a website behind the API.
  { file: 'workflows/scenario-session.ts', code: "import { readOnce } from '../cluster/read-once.ts';", refused: /import type/ },
  { file: 'workflows/scenario-session.ts', code: "import type { Kube } from '../cluster/kube.ts';" },
  { file: 'workflows/scenario-session.ts', code: "import { readFileSync } from 'node:fs';", refused: /deterministic/ },
  { file: 'api/app.ts', code: "import { proxyActivities } from '@temporalio/workflow';", refused: /Only workflows/ },
  { file: 'web/src/lib/types.ts', code: "import { Client } from '@temporalio/client';", refused: /talks to the API only/ },
  { file: 'web/src/lib/types.ts', code: "import type { SessionDto } from '../../../api/contract.ts';" },
];

describe('layer boundaries (eslint.config.js)', () => {
  let eslint: ESLint;
  beforeAll(async () => {
    eslint = new ESLint({ cwd: ROOT });
    // Loading the config and its plugins takes seconds on the first lint; do it once, outside the cases.
    await eslint.lintText('\n', { filePath: resolve(ROOT, 'api/app.ts') });
  }, 60_000);

  async function importMessages({ file, code }: Case): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\n`, { filePath: resolve(ROOT, file) });
    return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
  }

  it.each(cases.filter((c) => c.refused))('$file: refuses $code', async (c) => {
    const messages = await importMessages(c);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(c.refused!);
  });

  it.each(cases.filter((c) => !c.refused))('$file: allows $code', async (c) => {
    expect(await importMessages(c)).toEqual([]);
  });
});
