import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Defines `loadedForReal(name)` in the script: whether any file of that package has been loaded. */
const LOADED_FOR_REAL = `const loadedForReal = (name) => Object.keys(require.cache).some((file) => file.includes(name + '/'));`;

/** Runs a script in a fresh Node process (from source, through tsx) and returns what it printed as JSON. */
function inFreshProcess(script: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', `${LOADED_FOR_REAL}\n${script}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--disable-warning=DEP0111' } });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

describe('recognizers the helpdesk does not use are loaded only if something reads them', () => {
  it('botbuilder-dialogs loads without the suite and the date and time recognizer, and its prompts work as before', () => {
    const result = inFreshProcess(`
      const { deferUnusedRecognizers } = require('./src/deferredModules.ts');
      deferUnusedRecognizers();
      const dialogs = require('botbuilder-dialogs');
      const out = {
        suiteAtStart: loadedForReal('@microsoft/recognizers-text-suite'),
        dateTimeAtStart: loadedForReal('@microsoft/recognizers-text-date-time'),
        english: dialogs.PromptCultureModels.English.locale,
        dutch: dialogs.PromptCultureModels.Dutch.locale,
        cultures: dialogs.PromptCultureModels.getSupportedCultures().length,
        choice: dialogs.recognizeChoices('the second one', ['Yes', 'No'])[0].resolution.value,
      };
      // A DateTimePrompt (which the helpdesk has none of) still recognises a date: the real recognizer loads then.
      const dateTime = require('@microsoft/recognizers-text-date-time');
      out.tomorrow = dateTime.recognizeDateTime('tomorrow at 5pm', 'en-us').map((r) => r.typeName);
      out.dateTimeAfterUse = loadedForReal('@microsoft/recognizers-text-date-time');
      // Anything of the suite beyond the culture names loads the suite itself.
      out.codes = require('@microsoft/recognizers-text-suite').Culture.getSupportedCultureCodes().length > 0;
      out.suiteAfterUse = loadedForReal('@microsoft/recognizers-text-suite');
      console.log(JSON.stringify(out));
    `);
    expect(result).toEqual({
      suiteAtStart: false,
      dateTimeAtStart: false,
      english: 'en-us',
      dutch: 'nl-nl',
      cultures: 9,
      choice: 'No',
      tomorrow: ['datetimeV2.datetime'],
      dateTimeAfterUse: true,
      codes: true,
      suiteAfterUse: true,
    });
  });

  it('without the stand-ins, botbuilder-dialogs loads both at once (what the entry point avoids)', () => {
    const result = inFreshProcess(`
      require('botbuilder-dialogs');
      console.log(JSON.stringify({ suite: loadedForReal('@microsoft/recognizers-text-suite'), dateTime: loadedForReal('@microsoft/recognizers-text-date-time') }));
    `);
    expect(result).toEqual({ suite: true, dateTime: true });
  });
});
