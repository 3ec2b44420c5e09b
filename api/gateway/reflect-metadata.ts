// @peculiar/x509 pulls in tsyringe, which refuses to load without a `Reflect.getMetadata` polyfill and the
// `reflect-metadata` package is not installed. This is the small part of that API tsyringe calls; import it
// before @peculiar/x509. (Replace with `import 'reflect-metadata'` once that package is a dependency.)
type Target = object;
const store = new WeakMap<Target, Map<string | symbol | undefined, Map<unknown, unknown>>>();

function table(target: Target, property: string | symbol | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty && create) store.set(target, (byProperty = new Map()));
  let entries = byProperty?.get(property);
  if (!entries && create) byProperty?.set(property, (entries = new Map()));
  return entries;
}

function getOwnMetadata(key: unknown, target: Target, property?: string | symbol): unknown {
  return table(target, property, false)?.get(key);
}

function getMetadata(key: unknown, target: Target, property?: string | symbol): unknown {
  for (let current: Target | null = target; current; current = Object.getPrototypeOf(current) as Target | null) {
    const value = table(current, property, false);
    if (value?.has(key)) return value.get(key);
  }
  return undefined;
}

function defineMetadata(key: unknown, value: unknown, target: Target, property?: string | symbol): void {
  table(target, property, true)?.set(key, value);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(reflect, {
    getMetadata, getOwnMetadata, defineMetadata,
    hasMetadata: (key: unknown, target: Target, property?: string | symbol) => getMetadata(key, target, property) !== undefined,
    metadata: (key: unknown, value: unknown) => (target: Target, property?: string | symbol) => defineMetadata(key, value, target, property),
  });
}
