/// The `alerts` section: where operators hear about bans and failing sources. Both channels are off until
/// configured (`alerts.webhook.url`, `alerts.email.to`).
public struct AlertsConfiguration: Hashable, Sendable {
    public var webhook: WebhookAlertConfiguration?
    public var email: EmailAlertConfiguration?

    public init(webhook: WebhookAlertConfiguration? = nil, email: EmailAlertConfiguration? = nil) {
        self.webhook = webhook
        self.email = email
    }
}
