// One typed, fail-fast config: sensible defaults, and a bad value stops the process naming its key.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config.ts';

describe('loadConfig', () => {
  it('has working defaults for a local stack', () => {
    const config = loadConfig({});
    expect(config.apiPort).toBe(3000);
    expect(config.webPort).toBe(5173);
    expect(config.webOrigin).toBe('http://127.0.0.1:5173');
    expect(config.clusterDriver).toBe('sim');
    expect(config.temporalAddress).toBe('127.0.0.1:7233');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.operatorToken).toBeUndefined();
    expect(config.holdSecondsOverride).toBeUndefined();
    expect(config.scenariosDir).toMatch(/scenarios$/);
  });

  it('runs the kube gateway on 6443 with a public URL only when given, and refuses a non-https one', () => {
    expect(loadConfig({})).toMatchObject({ gatewayHost: '127.0.0.1', gatewayPort: 6443, gatewayPublicUrl: undefined });
    expect(loadConfig({ FL_GATEWAY_PUBLIC_URL: 'https://gw.example.com:6443/' }).gatewayPublicUrl).toBe('https://gw.example.com:6443');
    expect(() => loadConfig({ FL_GATEWAY_PUBLIC_URL: 'http://gw.example.com' })).toThrow(/FL_GATEWAY_PUBLIC_URL must be an https:\/\/ URL/);
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({ API_PORT: '', DATABASE_URL: '', FL_OPERATOR_TOKEN: '' });
    expect(config.apiPort).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.operatorToken).toBeUndefined();
  });

  it('reads numbers as numbers and the web origin follows WEB_PORT', () => {
    const config = loadConfig({ API_PORT: '8080', WEB_PORT: '4000', FL_HOLD_SECONDS: '0', CLUSTER_DRIVER: 'namespace' });
    expect(config.apiPort).toBe(8080);
    expect(config.webOrigin).toBe('http://127.0.0.1:4000');
    expect(config.holdSecondsOverride).toBe(0);
    expect(config.clusterDriver).toBe('namespace');
  });

  it.each([
    ['API_PORT', 'eighty'],
    ['API_PORT', '80.5'],
    ['FL_SLA_POLL_SECONDS', '-1'],
    ['FL_HOLD_SECONDS', 'ten'],
    ['PGLITE_PORT', '5433abc'],
  ])('refuses %s=%s and names the key', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`${key}.*"${value.replace('.', '\\.')}"`));
  });

  it('refuses an unknown CLUSTER_DRIVER and lists the allowed ones', () => {
    expect(() => loadConfig({ CLUSTER_DRIVER: 'docker' })).toThrow(ConfigError);
    expect(() => loadConfig({ CLUSTER_DRIVER: 'docker' })).toThrow(/CLUSTER_DRIVER.*sim.*namespace.*"docker"/);
  });
});
