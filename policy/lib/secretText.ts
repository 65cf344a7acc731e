/**
 * Deciding whether text holds a secret written out in full.
 *
 * The rule is about *values*, not mere mentions of a word:
 * - A name holds a secret when its LAST word is one of the secret words
 *   (PASS, PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, KEY, APIKEY,
 *   PRIVATEKEY), words being split at `_`, `-`, `.` and camelCase. So
 *   `ADMIN_PASS`, `client_secret`, `apiKey` hold secrets, while
 *   `..._token_path`, `..._token_sent_via`, `PASSWORD_FILE`, `keyFile` and
 *   `KEYCLOAK_URL` only describe or locate one. Inside code and config
 *   files a lone `key`, `token` or `pass` is too common a property name
 *   (`key: "channel"`) and needs a qualifier (`apiKey`, `access_token`).
 * - Such a name may still carry a value that is not a secret: empty, made
 *   only of variable references (`$(VAR)`, `$VAR`, `${VAR}`), or an
 *   absolute file path (`/run/secrets/password`). Anything else is a literal.
 * - Regardless of names, a URL with `user:password@` where the password is
 *   not a variable reference is a literal secret.
 * - Text that merely mentions a secret-named variable (a script reading
 *   `$MONGO_PASSWORD`, JavaScript reading `env.ROOT_PASSWORD`) is fine:
 *   only assignments of literals count, judged per file type.
 */
const secretWords = new Set(["pass", "password", "passwd", "passphrase", "secret", "token", "key", "apikey", "privatekey"]);
/** Words that alone, as a property in code or a config file, usually mean something else (`key: "channel"`). */
const ambiguousAlone = new Set(["pass", "token", "key"]);

/** `OVERWRITE_SETTING_Accounts_OAuth_Custom-Keycloak-secret` -> [..., "keycloak", "secret"]. */
export function nameWords(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter((word) => word.length > 0)
        .map((word) => word.toLowerCase());
}

/**
 * Where a name appears: an environment variable, ConfigMap key or flag
 * ("variable") is judged on its last word alone; a property in code or a
 * config file ("property") needs more than a lone `key`, `token` or `pass`.
 */
export type NameContext = "variable" | "property";

export function namesASecret(name: string, context: NameContext = "variable"): boolean {
    const words = nameWords(name);
    const last = words[words.length - 1];
    if (!last || !secretWords.has(last)) {
        return false;
    }
    return context === "variable" || words.length > 1 || !ambiguousAlone.has(last);
}

const variableReference = /\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g;

/** True when the value would put an actual secret into the manifest. */
export function isLiteralSecretValue(value: string): boolean {
    const trimmed = value.trim();
    if (trimmed === "") {
        return false;
    }
    if (/^\/\S*$/.test(trimmed)) {
        return false;
    }
    // Only references and punctuation left: the value is assembled from elsewhere.
    return /[A-Za-z0-9]/.test(trimmed.replace(variableReference, ""));
}

/** What a scan found: where, and which name or pattern gave it away. */
export interface LiteralSecret {
    readonly what: string;
}

const credentialUrl = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]+)@/gi;

/** `scheme://user:password@host` with a literal password. */
export function urlCredentials(text: string): LiteralSecret[] {
    return [...text.matchAll(credentialUrl)]
        .filter((match) => isLiteralSecretValue(match[1]))
        .map(() => ({ what: "a URL with a literal user:password@" }));
}

const unquote = (raw: string) => raw.replace(/^(["'`])([\s\S]*)\1$/, "$2");

/** Shell: `NAME=value` (no spaces around `=`). */
export function shellAssignments(text: string): LiteralSecret[] {
    const assignment = /(?:^|[\s;&|(`])(?:export\s+|readonly\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s;&|)`]*)/g;
    return [...text.matchAll(assignment)]
        .filter(([, name, raw]) => namesASecret(name) && isLiteralSecretValue(unquote(raw)))
        .map(([, name]) => ({ what: `${name}=<literal>` }));
}

/** Code (JavaScript, TypeScript, Python): a secret name given a string literal. */
export function codeAssignments(text: string): LiteralSecret[] {
    const assignment = /([A-Za-z_][A-Za-z0-9_]*)["']?\s*(?:=|:)\s*(["'`])((?:(?!\2)[^\\]|\\.)*)\2/g;
    return [...text.matchAll(assignment)]
        .filter(([, name, , value]) => namesASecret(name, "property") && isLiteralSecretValue(value))
        .map(([, name]) => ({ what: `${name} = "<literal>"` }));
}

/** Configuration files (.env, .properties, .conf, .ini, YAML): `name = value` or `name: value` lines. */
export function configLines(text: string): LiteralSecret[] {
    const line = /^\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(.*?)\s*$/;
    return text.split(/\r?\n/)
        .filter((raw) => !/^\s*(#|;|\/\/)/.test(raw))
        .flatMap((raw) => {
            const match = line.exec(raw);
            if (!match) {
                return [];
            }
            const [, name, value] = match;
            // YAML block scalars (`key: |`) carry their value on later lines.
            const blockScalar = /^[|>][+-]?\d*$/.test(value);
            return namesASecret(name, "property") && !blockScalar && isLiteralSecretValue(unquote(value)) ? [{ what: `${name}: <literal>` }] : [];
        });
}

/** A ConfigMap entry, judged by its file type (the key's extension). */
export function configMapEntrySecrets(key: string, value: string): LiteralSecret[] {
    const found: LiteralSecret[] = [...urlCredentials(value)];
    const extension = /\.([A-Za-z0-9]+)$/.exec(key)?.[1]?.toLowerCase();
    const singleLine = !value.includes("\n");
    if (singleLine && namesASecret(key) && isLiteralSecretValue(value)) {
        // An env-style entry (consumed with envFrom) such as DB_PASSWORD: hunter2.
        found.push({ what: `key ${key}` });
    }
    if (extension && ["js", "mjs", "cjs", "ts", "py"].includes(extension)) {
        found.push(...codeAssignments(value));
    } else if (extension && ["sh", "bash"].includes(extension)) {
        found.push(...shellAssignments(value));
    } else if (!singleLine) {
        found.push(...configLines(value));
    }
    return found;
}

/** Container arguments: `--password=x`, `--password x`, credential URLs, shell snippets. */
export function argumentSecrets(args: string[]): LiteralSecret[] {
    const found: LiteralSecret[] = [];
    args.forEach((arg, index) => {
        found.push(...urlCredentials(arg), ...shellAssignments(arg));
        const flag = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$/s.exec(arg);
        if (!flag || !namesASecret(flag[1])) {
            return;
        }
        const value = flag[2] ?? args[index + 1];
        if (value !== undefined && !(flag[2] === undefined && value.startsWith("-")) && isLiteralSecretValue(value)) {
            found.push({ what: `argument --${flag[1]} with a literal value` });
        }
    });
    return found;
}

/**
 * Why an environment variable given as a literal `value` would put a secret
 * into the manifest: its name says it holds one ("secret-name"), or the value
 * is a URL with a literal password ("credential-url"); undefined when neither.
 * Used by the no-literal-secrets policy and by the program's check of extra
 * Rocket.Chat environment (components/extraEnvironment.ts).
 */
export function literalSecretInEnv(name: string, value: string): "secret-name" | "credential-url" | undefined {
    if (namesASecret(name) && isLiteralSecretValue(value)) {
        return "secret-name";
    }
    return urlCredentials(value).length > 0 ? "credential-url" : undefined;
}
