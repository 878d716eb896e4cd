// Package push sends Web Push notifications (RFC 8030) with VAPID (RFC 8292)
// and aes128gcm message encryption (RFC 8291) for Campfire.
//
// The package has no PocketBase dependency: the application wires it in
// through small values and hooks.
//
//   - Keys, GenerateKeys, KeysFromEnv: the server's VAPID key pair.
//   - ShouldNotify: who gets a push for a new message.
//   - BuildNotification, Encode: the JSON payload the service worker reads.
//   - Sender: delivery through github.com/SherClockHolmes/webpush-go with
//     a TTL, Urgency and Topic header, a timeout on every call, bounded
//     concurrency, and a Result that says when a subscription is gone
//     (404/410) so the caller can delete it.
//
// Endpoints are secrets (they are bearer capabilities for pushing to a
// device): errors produced by this package never contain the endpoint URL,
// only its host.
package push
