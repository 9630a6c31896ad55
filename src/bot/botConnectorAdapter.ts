import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
// From its module: botbuilder's index does not export it. It turns the activity's ISO timestamps into dates, as CloudAdapter.process does.
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator';

/**
 * The Bot Connector's adapter (Teams, Azure channels, the Emulator). `CloudAdapter.process`
 * re-checks the HTTP objects and the body with schemas it builds on every request, and answers
 * failures as plain text. The server has already parsed the body and checked the activity with
 * its own schema, so it hands the activity straight to the turn and writes the answer itself,
 * as JSON, in the product's terms. Authentication is unchanged: every request's token is
 * validated before the turn runs, and a refused one throws botframework-connector's
 * `AuthenticationError`.
 */
export class BotConnectorAdapter extends CloudAdapter {
  /**
   * Runs one turn for an activity the server has already checked, with the request's
   * `Authorization` header (empty when it had none). Resolves with what the HTTP answer carries:
   * an invoke's status and body, or the replies of an `expectReplies` turn; `undefined` for a
   * plain 200.
   */
  runActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, validateAndFixActivity(activity), logic);
  }
}
