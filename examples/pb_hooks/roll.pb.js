/// <reference path="../pb_data/types.d.ts" />
/// <reference path="./campfire.d.ts" />

// /roll: a message that is only "/roll NdS" (or "/roll NdS+M") is replaced by the roll's result,
// e.g. "/roll 2d6" becomes "🎲 /roll 2d6 → 3 + 5 = 8". Everyone in the room sees the same result,
// because it is rolled once, on the server, before the message is saved.
//
// Bad rolls ("/roll 500d6") are refused with a 400 saying what is allowed.
//
// Try it: campfire serve --hooksDir examples/pb_hooks

onMessagePosting((e) => {
    // Each handler runs in its own JS runtime: keep everything it needs inside it.
    const text = e.message.getString("plain").trim()
    const m = /^\/roll\s+(\d*)d(\d+)\s*([+-]\s*\d+)?$/i.exec(text)
    if (!m) {
        return e.next()
    }

    const count = m[1] === "" ? 1 : parseInt(m[1], 10)
    const sides = parseInt(m[2], 10)
    const modifier = m[3] ? parseInt(m[3].replace(/\s+/g, ""), 10) : 0
    if (count < 1 || count > 100 || sides < 2 || sides > 1000 || Math.abs(modifier) > 10000) {
        throw new BadRequestError("Roll 1 to 100 dice with 2 to 1000 sides, like /roll 2d6 or /roll d20+3.")
    }

    const rolls = []
    for (let i = 0; i < count; i++) {
        rolls.push(1 + Math.floor(Math.random() * sides))
    }
    const total = rolls.reduce((a, b) => a + b, 0) + modifier

    let shown = rolls.join(" + ")
    if (modifier > 0) shown += " + " + modifier
    if (modifier < 0) shown += " - " + (-modifier)
    const dice = count + "d" + sides + (modifier > 0 ? "+" + modifier : modifier < 0 ? String(modifier) : "")

    // A changed body is sanitized again and its plain text derived again by Campfire.
    e.message.set("body", "🎲 /roll " + dice + " → " + shown + " = " + total)
    e.next()
})
