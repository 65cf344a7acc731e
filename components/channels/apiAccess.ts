/**
 * Who may call Rocket.Chat's HTTP port from inside the namespace. Rocket.Chat's
 * NetworkPolicy admits pods carrying these labels on port 3000, next to the
 * ingress controller; the channel reconciler's pods carry them.
 */
export function rocketchatApiClientLabels(instance: string): Record<string, string> {
    return { "rocketchat-ha.io/rocketchat-api-client": instance };
}
