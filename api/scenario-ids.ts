// In Challenge mode a scenario is known only by a codename that nothing public links to it: the name is drawn
// from an HMAC of the scenario's id under a server secret, separately for the open catalog and for each event.
// Neither the repository, the Learn catalog, nor another event's names tell which scenario a codename stands for.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Library } from '../scenarios/lib/load.ts';
import type { Scenario } from '../scenarios/lib/schema.ts';
import type { Mode } from './contract.ts';

// Neutral words: a codename must hint at nothing (no "broken", "empty", "quiet").
const ADJECTIVES = [
  'Amber',
  'Azure',
  'Birch',
  'Bright',
  'Bronze',
  'Cedar',
  'Cobalt',
  'Copper',
  'Coral',
  'Crimson',
  'Crystal',
  'Dawn',
  'Desert',
  'Emerald',
  'Evening',
  'Fern',
  'Golden',
  'Granite',
  'Harbor',
  'Hazel',
  'Indigo',
  'Ivory',
  'Jade',
  'Juniper',
  'Lapis',
  'Lilac',
  'Linen',
  'Maple',
  'Marble',
  'Meadow',
  'Mint',
  'Morning',
  'Northern',
  'Oak',
  'Ochre',
  'Olive',
  'Opal',
  'Orchid',
  'Pearl',
  'Pine',
  'Plum',
  'Polar',
  'Prairie',
  'Quartz',
  'River',
  'Rose',
  'Ruby',
  'Saffron',
  'Sage',
  'Sandy',
  'Scarlet',
  'Silver',
  'Slate',
  'Southern',
  'Spring',
  'Summer',
  'Teal',
  'Tidal',
  'Topaz',
  'Tulip',
  'Velvet',
  'Violet',
  'Willow',
  'Winter',
];
const NOUNS = [
  'Albatross',
  'Anchor',
  'Antelope',
  'Badger',
  'Beacon',
  'Bison',
  'Canyon',
  'Cardinal',
  'Comet',
  'Compass',
  'Condor',
  'Cove',
  'Crane',
  'Delta',
  'Dune',
  'Eagle',
  'Falcon',
  'Fjord',
  'Fox',
  'Gazelle',
  'Glacier',
  'Heron',
  'Horizon',
  'Ibis',
  'Island',
  'Jaguar',
  'Kestrel',
  'Kite',
  'Lagoon',
  'Lantern',
  'Lark',
  'Lynx',
  'Mesa',
  'Meteor',
  'Moose',
  'Nebula',
  'Ocelot',
  'Orbit',
  'Osprey',
  'Otter',
  'Panther',
  'Pelican',
  'Petrel',
  'Plover',
  'Puffin',
  'Quasar',
  'Raven',
  'Reef',
  'Robin',
  'Sparrow',
  'Summit',
  'Swallow',
  'Swan',
  'Tern',
  'Thicket',
  'Tiger',
  'Toucan',
  'Trail',
  'Valley',
  'Vireo',
  'Walrus',
  'Wren',
  'Yak',
  'Zephyr',
];

export interface ChallengeIdentity {
  /** The id to create a session with in Challenge mode (the codename's slug). */
  id: string;
  codename: string;
}

function slug(codename: string): string {
  return codename
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The open catalog and each event are separate scopes: a codename means something only inside its own. */
const OPEN_CATALOG = '';
const MAX_CACHED_SCOPES = 256;

export class ScenarioIdentities {
  readonly #library: Library;
  readonly #secret: Uint8Array;
  readonly #scopes = new Map<string, { byScenario: Map<string, ChallengeIdentity>; byId: Map<string, Scenario> }>();

  constructor(library: Library, secret: Uint8Array) {
    if (secret.length < 16) throw new Error('the challenge codename secret must be at least 16 bytes');
    this.#library = library;
    this.#secret = secret;
  }

  /** The scenario's Challenge identity in an event (or, without one, in the open catalog). */
  challenge(scenario: Scenario, eventId?: string): ChallengeIdentity {
    const identity = this.#scope(eventId).byScenario.get(scenario.metadata.name);
    if (!identity) throw new Error(`scenario ${scenario.metadata.name} is not in the library`);
    return identity;
  }

  /** The id the catalog shows for a scenario: its real id in Learn mode, its codename's slug in Challenge mode. */
  publicId(scenario: Scenario, mode: Mode, eventId?: string): string {
    return mode === 'challenge' ? this.challenge(scenario, eventId).id : scenario.metadata.name;
  }

  /** Resolves an id the catalog (or the event) showed in the given mode. */
  resolve(id: string, mode: Mode, eventId?: string): Scenario | undefined {
    if (mode === 'learn') return this.#library.scenarios.get(id);
    return this.#scope(eventId).byId.get(id);
  }

  #scope(eventId = OPEN_CATALOG) {
    let scope = this.#scopes.get(eventId);
    if (scope) return scope;
    scope = { byScenario: new Map(), byId: new Map() };
    // Sorted, so that which scenario gets a second draw on a clash does not depend on load order.
    const scenarios = [...this.#library.scenarios.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    for (const scenario of scenarios) {
      for (let draw = 0; ; draw += 1) {
        const digest = createHmac('sha256', this.#secret).update(`${eventId}\0${scenario.metadata.name}\0${draw}`).digest();
        const codename = `${ADJECTIVES[digest.readUInt16BE(0) % ADJECTIVES.length]} ${NOUNS[digest.readUInt16BE(2) % NOUNS.length]}`;
        const id = slug(codename);
        if (scope.byId.has(id)) continue;
        scope.byId.set(id, scenario);
        scope.byScenario.set(scenario.metadata.name, { id, codename });
        break;
      }
    }
    // Any string can be sent as an event id: the cache stays small whatever arrives.
    if (this.#scopes.size >= MAX_CACHED_SCOPES) this.#scopes.clear();
    this.#scopes.set(eventId, scope);
    return scope;
  }
}

/**
 * The secret codenames are drawn with: FL_CHALLENGE_SECRET when set, else a random one kept in the data dir
 * (created on first use), so codenames stay the same across restarts and differ between deployments.
 */
export function challengeSecret(config: { challengeSecret?: string; dataDir: string }): Uint8Array {
  if (config.challengeSecret) return Buffer.from(config.challengeSecret, 'utf8');
  const file = join(config.dataDir, 'challenge-codenames.secret');
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process (the API and the CLI share the data dir) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file);
}
