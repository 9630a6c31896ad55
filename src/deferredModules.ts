import Module, { createRequire } from 'node:module';

/**
 * Packages that botbuilder-dialogs requires as it loads, for what the helpdesk never uses: the
 * whole Recognizers-Text suite, for nine culture names of its prompts' culture table, and the
 * date and time recognizer, for `DateTimePrompt`. Together they hold about 25 MB of the process
 * (their bundled sources and the models built from them); the recognizers the helpdesk's prompts
 * do use (numbers and choices) are separate packages and load as usual.
 */
const DEFERRED = ['@microsoft/recognizers-text-suite', '@microsoft/recognizers-text-date-time'] as const;

type Load = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;

let installed = false;

/**
 * Defers loading {@link DEFERRED} until something reads them. Each is required as a stand-in
 * that loads the real package on the first read of anything but the culture names (which come
 * from the small `@microsoft/recognizers-text` core, the same strings) and from then on answers
 * from it, so every use behaves as before. Installed once, by the entry point, before anything
 * loads botbuilder-dialogs; the test suite loads the packages as they are.
 */
export function deferUnusedRecognizers(): void {
  if (installed) return;
  installed = true;
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  const standIns = new Map<string, object>();
  loader._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    if (!(DEFERRED as readonly string[]).includes(request)) return load.call(this, request, parent, isMain);
    let standIn = standIns.get(request);
    if (!standIn) {
      standIn = deferred(() => load.call(this, request, parent, isMain) as Record<PropertyKey, unknown>);
      standIns.set(request, standIn);
    }
    return standIn;
  };
}

/** A stand-in for a module: its exports, loaded on first use. */
function deferred(loadReal: () => Record<PropertyKey, unknown>): object {
  let real: Record<PropertyKey, unknown> | undefined;
  const exports = (): Record<PropertyKey, unknown> => (real ??= loadReal());
  let culture: object | undefined;
  return new Proxy(
    {},
    {
      get(_target, property) {
        // What TypeScript's `__importStar` asks first: an ES module's exports are used as they are.
        if (property === '__esModule') return true;
        if (property === 'Culture' && real === undefined) return (culture ??= cultureNames(() => exports().Culture as Record<PropertyKey, unknown>));
        return exports()[property];
      },
      has: (_target, property) => property === '__esModule' || property in exports(),
      ownKeys: () => Reflect.ownKeys(exports()),
      getOwnPropertyDescriptor(_target, property) {
        const descriptor = Object.getOwnPropertyDescriptor(exports(), property);
        // A proxy may not report a property as fixed that its own (empty) target lacks.
        if (descriptor) descriptor.configurable = true;
        return descriptor;
      },
    },
  );
}

/**
 * The suite's `Culture` as botbuilder-dialogs reads it when it loads: the culture names
 * (`Culture.English` is `'en-us'`) from the core package; anything else from the suite's own.
 */
function cultureNames(suiteCulture: () => Record<PropertyKey, unknown>): object {
  const suitePath = require.resolve('@microsoft/recognizers-text-suite/package.json');
  const core = createRequire(suitePath)('@microsoft/recognizers-text') as { Culture: Record<PropertyKey, unknown> };
  return new Proxy(
    {},
    {
      get(_target, property) {
        const name = core.Culture[property];
        return typeof name === 'string' ? name : suiteCulture()[property];
      },
    },
  );
}
