// Discovery answers (`/api`, `/apis`, `/apis/<group>`) name the API server's own address for each client
// network (`serverAddressByClientCIDRs`): participants reach the sandbox only through the gateway, so they
// never learn where the API server is.
type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function withoutAddresses(value: unknown): unknown {
  if (!isRecord(value) || !('serverAddressByClientCIDRs' in value)) return value;
  const { serverAddressByClientCIDRs: _address, ...rest } = value;
  return rest;
}

export function hideServerAddresses(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const cleaned = withoutAddresses(body) as Json;
  if (Array.isArray(cleaned.groups)) return { ...cleaned, groups: cleaned.groups.map(withoutAddresses) };
  return cleaned;
}
