// The worker's workflow bundle entry point.
export { scenarioSession } from './scenario-session.ts';
export { sandboxSweeper } from './sandbox-sweeper.ts';
export { verifyRemediation } from './verify-remediation.ts';
