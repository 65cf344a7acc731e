/**
 * Finds fields a schema does not know (`imagee`), using the validator itself
 * as the oracle instead of a hand-written list of properties.
 *
 * kubernetes-models ships its OpenAPI schemas as precompiled ajv validators,
 * not as JSON. A compiled validator reads every property its schema lists
 * (ajv runs with allErrors, so nothing short-circuits) and enumerates the keys
 * of an object only when the schema allows extra keys (maps such as labels or
 * ConfigMap data). So while it checks a document through a recording proxy:
 * - an object whose keys were enumerated is a map: any key is fine;
 * - an object none of whose properties were read is free-form (no property
 *   list, e.g. x-kubernetes-preserve-unknown-fields): any key is fine;
 * - otherwise every own key the validator never read is unknown to the schema.
 * This is "additionalProperties: false where the schema lists properties and
 * does not preserve unknown fields", derived from the shipped schema.
 */

interface ObjectVisit {
    readonly path: string;
    readonly target: Record<string, unknown>;
    readonly read: Set<string>;
    enumerated: boolean;
}

export interface AccessRecorder<T> {
    /** Hand this to the validator instead of the document. */
    readonly proxy: T;
    /** JSON-pointer paths of keys the validator never looked at. */
    unknownFieldPaths(): string[];
}

/** JSON-pointer escaping of one path segment (RFC 6901). */
export function pointerSegment(key: string): string {
    return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function recordFieldAccess<T extends object>(document: T): AccessRecorder<T> {
    const visits = new Map<object, ObjectVisit>();
    const proxies = new WeakMap<object, object>();

    function wrap(value: object, path: string): object {
        const existing = proxies.get(value);
        if (existing) {
            return existing;
        }
        const visit: ObjectVisit = { path, target: value as Record<string, unknown>, read: new Set(), enumerated: false };
        if (!Array.isArray(value)) {
            visits.set(value, visit);
        }
        const noteRead = (key: string | symbol) => {
            if (typeof key === "string") {
                visit.read.add(key);
            }
        };
        const proxy = new Proxy(value, {
            get(target, key, receiver) {
                noteRead(key);
                const child = Reflect.get(target, key, receiver);
                const isOwnObject = typeof key === "string" && child !== null && typeof child === "object" && Object.prototype.hasOwnProperty.call(target, key);
                return isOwnObject ? wrap(child, `${path}/${pointerSegment(key as string)}`) : child;
            },
            has(target, key) {
                noteRead(key);
                return Reflect.has(target, key);
            },
            getOwnPropertyDescriptor(target, key) {
                noteRead(key);
                return Reflect.getOwnPropertyDescriptor(target, key);
            },
            ownKeys(target) {
                visit.enumerated = true;
                return Reflect.ownKeys(target);
            },
        });
        proxies.set(value, proxy);
        return proxy;
    }

    return {
        proxy: wrap(document, "") as T,
        unknownFieldPaths() {
            const unknown: string[] = [];
            for (const visit of visits.values()) {
                if (visit.enumerated || visit.read.size === 0) {
                    continue;
                }
                for (const key of Object.keys(visit.target)) {
                    if (!visit.read.has(key) && visit.target[key] !== undefined) {
                        unknown.push(`${visit.path}/${pointerSegment(key)}`);
                    }
                }
            }
            return unknown;
        },
    };
}
