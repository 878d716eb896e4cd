// Package webhooks builds, signs and delivers the outgoing bot webhooks of
// SPEC §7: Campfire's JSON payload, Standard Webhooks signatures
// (https://www.standardwebhooks.com), a delivery that classifies the answer
// (reply, attachment, retry, disable, timeout) and the retry policy.
//
// The package knows nothing of PocketBase: the caller (the outbox worker)
// decides whom to call, stores the outcome and posts the replies.
package webhooks
