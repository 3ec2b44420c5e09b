// Configuration from the environment: a missing required variable ends the program at start (exit 1).
import { log } from './log.ts';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    log('error', `missing required environment variable ${name}`, { error: `${name} is not set` });
    process.exit(1);
  }
  return value;
}

export function numberEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) ? value : fallback;
}
