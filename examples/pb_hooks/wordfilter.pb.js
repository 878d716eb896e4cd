/// <reference path="../pb_data/types.d.ts" />
/// <reference path="./campfire.d.ts" />

// A word filter: a message with a blocked word is refused with a clear 400, from every source (the
// web app, the API, bots), before anything is saved. Edits are checked too.
//
// Try it: campfire serve --hooksDir examples/pb_hooks

onMessagePosting((e) => {
    const blocked = ["frak", "smeg", "gorram"] // whole words, any case
    const plain = e.message.getString("plain").toLowerCase()
    for (const word of blocked) {
        if (new RegExp("\\b" + word + "\\b").test(plain)) {
            throw new BadRequestError("Please keep it civil: \"" + word + "\" is not allowed here.")
        }
    }
    e.next()
})

// Edits go through PocketBase's record hooks (the body is sanitized by Campfire after this check).
onRecordUpdateRequest((e) => {
    const blocked = ["frak", "smeg", "gorram"]
    const body = (e.record.getString("body") || "").toLowerCase()
    for (const word of blocked) {
        if (new RegExp("\\b" + word + "\\b").test(body)) {
            throw new BadRequestError("Please keep it civil: \"" + word + "\" is not allowed here.")
        }
    }
    e.next()
}, "messages")
