// Campfire on PocketBase: TypeScript declarations of the JS hooks and helpers Campfire adds to
// PocketBase's (pb_data/types.d.ts). Reference both at the top of a pb_hooks file:
//
//   /// <reference path="../pb_data/types.d.ts" />
//   /// <reference path="../pb_data/campfire.d.ts" />
//
// Every handler must call e.next() to let the chain (and the action) go on; throwing an error
// (new BadRequestError("...")) stops it, and in onMessagePosting rejects the message with that error.

declare namespace campfire {
  /** A message event: the message record and its room and author. */
  interface MessageEvent {
    /** The app of the hook; in onMessagePosting the write transaction: read and write through it. */
    app: CoreApp
    /** The messages record. In onMessagePosting it is not saved yet: change "body" to rewrite it
     * (it is sanitized again and plain text, mentions and kind are derived again). */
    message: core.Record
    room: core.Record
    creator: core.Record
    next(): void
  }

  interface RoomEvent {
    app: CoreApp
    room: core.Record
    next(): void
  }

  interface MembershipEvent {
    app: CoreApp
    roomID: string
    userID: string
    /** null when the user left the room */
    membership: core.Record | null
    removed: boolean
    next(): void
  }

  /** The JSON body posted to a bot (SPEC §7, Campfire's shape). */
  interface WebhookPayload {
    user: { id: string; name: string }
    room: { id: string; name: string; path: string }
    message: { id: string; body: { html: string; plain: string }; path: string }
  }

  interface WebhookDeliveringEvent {
    app: CoreApp
    bot: core.Record
    message: core.Record
    room: core.Record
    url: string
    payload: WebhookPayload
    /** 1 for the first try */
    attempt: number
    /** Call to deliver; return without calling it to skip the delivery. */
    next(): void
  }

  /** The notification JSON the service worker receives. */
  interface Notification {
    title: string
    body: string
    path: string
    number: number
    badge: number
    tag: string
  }

  interface PushSendingEvent {
    app: CoreApp
    recipient: core.Record
    /** null for a test notification */
    message: core.Record | null
    room: core.Record | null
    subscriptions: Array<core.Record>
    notification: Notification
    /** Call to send; return without calling it to skip this recipient's push. */
    next(): void
  }
}

/** Before a message is inserted, inside its write transaction: change it, or throw to reject it. */
declare function onMessagePosting(handler: (e: campfire.MessageEvent) => void): void
/** After a message is committed. */
declare function onMessagePosted(handler: (e: campfire.MessageEvent) => void): void
/** After an edit is committed. */
declare function onMessageEdited(handler: (e: campfire.MessageEvent) => void): void
/** After a deletion (a tombstone) is committed. */
declare function onMessageDeleted(handler: (e: campfire.MessageEvent) => void): void
/** After a room is created. */
declare function onRoomCreated(handler: (e: campfire.RoomEvent) => void): void
/** After a membership is added, changed or removed. */
declare function onMembershipChanged(handler: (e: campfire.MembershipEvent) => void): void
/** Before each outgoing webhook attempt: change the payload or URL, or skip it. */
declare function onWebhookDelivering(handler: (e: campfire.WebhookDeliveringEvent) => void): void
/** Before a recipient's web push notifications go out: change the notification, or skip it. */
declare function onPushSending(handler: (e: campfire.PushSendingEvent) => void): void

/** Campfire's helpers. They act through the current $app (the hook's app inside a hook). */
declare namespace $campfire {
  /** Posts text (plain text or HTML, sanitized) to a room as a bot that is a member of it; returns the message. */
  function postAsBot(botId: string, roomId: string, text: string): core.Record
  /** Sends an event to every subscriber of the room's realtime topic (campfire/rooms/<roomId>). Give it a "type". */
  function broadcast(roomId: string, payload: { [key: string]: any }): void
  /** Whether the user is a member of the room. */
  function isMember(roomId: string, userId: string): boolean
}
