/**
 * `ops settings`: do the settings the program enforces on Rocket.Chat
 * (OAuth, login form, uploads, retention, wizard) hold the values the stack
 * declares? Reads `rocketchat_settings` as the application user. Exits 1 on
 * any difference.
 */
import { uriUser, withPassword } from "./credentials";
import { exitCodes } from "./errors";
import { Kubectl } from "./kubectl";
import { Session, withCluster, withUri } from "./mongoSession";
import { compareSettings, declaredSettings, formatComparison } from "./settingsDrift";
import { loadLayout } from "./stackLayout";
import { OutputsSource } from "./stackOutputs";

export interface SettingsOptions extends OutputsSource {
    readonly uri?: string;
    readonly context?: string;
    /** Seconds each step may wait on a server (deadline.ts). */
    readonly timeout: number;
    /** Where the --uri user's password comes from (credentials.ts); undefined for none. */
    readonly password?: string;
}

export async function settingsCommand(options: SettingsOptions, out: (line: string) => void): Promise<number> {
    const layout = await loadLayout(options, options.timeout);
    const { compared, fromSecrets } = declaredSettings(layout.enforcedSettings);
    const read = (session: Session) =>
        session.db(layout.mongodb.database).collection<{ _id: string; value?: unknown }>("rocketchat_settings")
            .find({ _id: { $in: compared.map((s) => s.id) } }, { projection: { value: 1 }, maxTimeMS: session.maxTimeMS })
            .toArray();
    const stored = options.uri
        ? await withUri(withPassword(options.uri, options.password), "the --uri server", uriUser(options.uri), options.timeout, read)
        : await withCluster(new Kubectl({ context: options.context, requestTimeoutSeconds: options.timeout }), layout, "app", options.timeout, read);
    const rows = compareSettings(compared, stored);
    out(`stack ${layout.stack}, database ${layout.mongodb.database}`);
    formatComparison(rows, fromSecrets).forEach((line) => out(line));
    return rows.every((r) => r.status === "ok") ? exitCodes.ok : exitCodes.problemFound;
}
