package routes_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketcampfire/campfire/attachments"
	"github.com/pocketcampfire/campfire/bots"
	"github.com/pocketcampfire/campfire/realtime"
	"github.com/pocketcampfire/campfire/rooms"
	"github.com/pocketcampfire/campfire/testkit"
)

// TestAccessMatrix checks every role against every room kind and action from outside, against the
// answers SPEC §3, §5 and §7 expect. Each cell is one request; a failing cell names role, kind and
// action.
//
// Roles: signed out, member, non-member, deactivated, banned (through the admin ban route), bot and
// deactivated bot (through package bots), admin. Bots cannot sign in (the users authRule refuses them,
// transfer links refuse them, they have no email), so a bot never holds a PocketBase token: the bot
// roles send their bot key (as "Authorization: Bearer <key>") to the user API, where it must count for
// nothing, and act through the bot API (/rooms/{room}/{key}/messages), where it must work exactly in
// the rooms the bot is in.
func TestAccessMatrix(t *testing.T) {
	w := testkit.Setup(t)
	owner := w.User(t, "Owner")
	member := w.User(t, "Member")
	outsider := w.User(t, "Outsider")
	deactivated := w.User(t, "Gone")
	banned := w.User(t, "Barred")
	base := testkit.Serve(t, w.App)
	adminC := testkit.Client{Base: base, Token: testkit.Token(t, w.Admin)}
	ownerC := testkit.Client{Base: base, Token: testkit.Token(t, owner)}

	roomsByKind := map[string]*core.Record{
		"open":   w.Room(t, rooms.Open, "Open", owner),
		"closed": w.Room(t, rooms.Closed, "Closed", owner, member),
		"direct": w.Direct(t, owner, member),
	}

	// Bots join every open room when made; both are added to the closed room, neither is in the DM.
	bot, firstBotKey, err := bots.Create(w.App, "Deploy Bot", "")
	if err != nil {
		t.Fatal(err)
	}
	// its key is regenerated through the admin route: the first key is dead from now on
	regen := adminC.Do(t, http.MethodPost, "/api/campfire/bots/"+bot.Id+"/key", nil)
	botKey, _ := regen.JSON(t)["key"].(string)
	if regen.Status != http.StatusOK || botKey == "" || botKey == firstBotKey {
		t.Fatalf("regenerate the bot's key: %d %s", regen.Status, regen.Body)
	}
	oldBot, oldBotKey, err := bots.Create(w.App, "Old Bot", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := rooms.AddMember(w.App, roomsByKind["closed"], bot.Id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rooms.AddMember(w.App, roomsByKind["closed"], oldBot.Id); err != nil {
		t.Fatal(err)
	}

	// The deactivated and the banned user were members everywhere, with a message of their own in each
	// room, before they went.
	own := map[string]map[string]string{"deactivated": {}, "banned": {}} // role -> kind -> message id
	files := map[string]*core.Record{}                                   // kind -> the owner's attachment message
	for kind, r := range roomsByKind {
		for role, u := range map[string]*core.Record{"deactivated": deactivated, "banned": banned} {
			if _, _, err := rooms.AddMember(w.App, r, u.Id); err != nil {
				t.Fatal(err)
			}
			own[role][kind] = w.Post(t, r, u, fmt.Sprintf("%s's words in %s", u.GetString("name"), kind)).Id
		}
		// a file, uploaded as the web app does
		up := ownerC.Upload(t, "/api/collections/messages/records", map[string]string{"room": r.Id},
			"attachment", "notes-"+kind+".txt", "text/plain", []byte("the notes of the "+kind+" room"))
		if up.Status != http.StatusOK {
			t.Fatalf("upload to %s: %d %s", kind, up.Status, up.Body)
		}
		f, err := w.App.FindRecordById("messages", up.JSON(t)["id"].(string))
		if err != nil || f.GetString("attachment") == "" {
			t.Fatalf("uploaded message in %s: %v %v", kind, f, err)
		}
		files[kind] = f
	}

	tokens := map[string]string{
		"signed out": "",
		"member":     testkit.Token(t, member),
		"non-member": testkit.Token(t, outsider),
		"admin":      adminC.Token,
		// a bot key is not a PocketBase token: on the user API a bot is nobody
		"bot":             "Bearer " + botKey,
		"deactivated bot": "Bearer " + oldBotKey,
		// nothing hands a bot a user token, but one minted in Go code must count for nothing too
		"bot user token": testkit.Token(t, bot),
	}
	botKeys := map[string]string{"bot": botKey, "deactivated bot": oldBotKey}

	deactivatedToken := testkit.Token(t, deactivated)
	deactivated.Set("status", "deactivated")
	if err := w.App.Save(deactivated); err != nil {
		t.Fatal(err)
	}
	tokens["deactivated"] = deactivatedToken

	// The ban goes through the admin route. A ban also refuses writes from the user's recorded public
	// addresses; this server listens on 127.0.0.1, which is never recorded (bans.PublicIP), so the ban
	// blocks no other role here (TestBanAndUnban covers the address ban behind a trusted proxy).
	bannedToken := testkit.Token(t, banned)
	if res := (testkit.Client{Base: base, Token: bannedToken}).Do(t, http.MethodGet,
		"/api/campfire/rooms/"+roomsByKind["open"].Id+"/members", nil); res.Status != http.StatusOK {
		t.Fatalf("banned user before the ban: %d %s", res.Status, res.Body)
	}
	if res := adminC.Do(t, http.MethodPost, "/api/campfire/users/"+banned.Id+"/ban", nil); res.Status != http.StatusNoContent {
		t.Fatalf("ban: %d %s", res.Status, res.Body)
	}
	if n, err := w.App.CountRecords("bans", dbx.HashExp{"user": banned.Id}); err != nil || n != 0 {
		t.Fatalf("the ban recorded %d addresses (%v): loopback must never be banned, it would block every role", n, err)
	}
	tokens["banned"] = bannedToken

	// Neither a bot nor a banned user can come by a token: no sign-in link is made for them, and the
	// banned user's password no longer signs in (SPEC §3 authRule, §4 Ban).
	for who, id := range map[string]string{"bot": bot.Id, "banned": banned.Id} {
		if res := adminC.Do(t, http.MethodPost, "/api/campfire/sessions/transfer", map[string]any{"user": id}); res.Status != http.StatusBadRequest {
			t.Errorf("%s sign-in link: %d %s, want 400", who, res.Status, res.Body)
		}
	}
	if res := (testkit.Client{Base: base}).Do(t, http.MethodPost, "/api/collections/users/auth-with-password",
		map[string]any{"identity": banned.Email(), "password": testkit.Password}); res.Status != http.StatusBadRequest && res.Status != http.StatusForbidden {
		t.Errorf("banned sign-in: %d %s, want 400 or 403", res.Status, res.Body)
	}

	// The old bot is deleted (deactivated) through the admin route: its key dies, it leaves shared rooms.
	if res := adminC.Do(t, http.MethodDelete, "/api/campfire/bots/"+oldBot.Id, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete bot: %d %s", res.Status, res.Body)
	}

	// active: the user API knows the caller (an active chat user's token)
	active := map[string]bool{"member": true, "non-member": true, "admin": true}
	// memberOf: the caller holds a membership of the room. Open rooms hold every active user and bot;
	// the admin is not a member of the closed room or the DM between owner and member; the deactivated
	// user kept its memberships (its status was changed directly), the ban removed the banned user's
	// shared-room memberships (not its DM), deleting the old bot removed it from shared rooms.
	memberOf := func(role, kind string) bool {
		switch role {
		case "member", "deactivated":
			return true
		case "admin", "non-member":
			return kind == "open"
		case "banned":
			return kind == "direct"
		case "bot":
			return kind != "direct"
		}
		return false
	}
	// the table above is what the database holds
	userIDs := map[string]string{"member": member.Id, "non-member": outsider.Id, "admin": w.Admin.Id,
		"deactivated": deactivated.Id, "banned": banned.Id, "bot": bot.Id, "deactivated bot": oldBot.Id}
	for role, id := range userIDs {
		for kind, r := range roomsByKind {
			if got := rooms.IsMember(w.App, r.Id, id); got != memberOf(role, kind) {
				t.Fatalf("%s/%s: member=%v, want %v", role, kind, got, memberOf(role, kind))
			}
		}
	}

	for kind, room := range roomsByKind {
		for role, tok := range tokens {
			c := testkit.Client{Base: base, Token: tok}
			msg := w.Post(t, room, owner, fmt.Sprintf("owner's words in %s", kind))
			sees := active[role] && memberOf(role, kind)
			name := fmt.Sprintf("%s/%s", role, kind)

			check := func(action string, res testkit.Response, allowed bool, okStatus int, deny ...int) {
				t.Helper()
				if allowed {
					if res.Status != okStatus {
						t.Errorf("%s %s: %d %s, want %d", name, action, res.Status, res.Body, okStatus)
					}
					return
				}
				for _, d := range deny {
					if res.Status == d {
						return
					}
				}
				t.Errorf("%s %s: %d, want one of %v", name, action, res.Status, deny)
			}

			// search finds the owner's words only where the caller is a member
			s := c.Do(t, http.MethodGet, "/api/campfire/search?q=owner", nil)
			if !active[role] {
				check("search", s, false, 200, 401)
			} else if s.Status != 200 {
				t.Errorf("%s search: %d", name, s.Status)
			} else {
				found := slices.ContainsFunc(s.Items(t), func(it map[string]any) bool { return it["room"] == room.Id })
				if found != sees { // this cell's message is still unedited here
					t.Errorf("%s search found=%v, want %v", name, found, sees)
				}
			}
			// list: the rooms list and the sidebar (my memberships with their rooms) hold the room
			// exactly when the caller sees it; an empty list or 401/403 for those who see nothing
			for _, l := range []struct {
				action, path string
				has          func(it map[string]any) bool
			}{
				{"list rooms", "/api/collections/rooms/records?perPage=500", func(it map[string]any) bool {
					return it["id"] == room.Id
				}},
				{"list memberships", "/api/collections/memberships/records?perPage=500&expand=room", func(it map[string]any) bool {
					exp, _ := it["expand"].(map[string]any)
					r, _ := exp["room"].(map[string]any)
					return it["room"] == room.Id && r["id"] == room.Id
				}},
			} {
				res := c.Do(t, http.MethodGet, l.path, nil)
				if res.Status != http.StatusOK {
					check(l.action, res, sees, 200, 401, 403)
				} else if found := slices.ContainsFunc(res.Items(t), l.has); found != sees {
					t.Errorf("%s %s: room listed=%v, want %v", name, l.action, found, sees)
				}
			}
			// view the room through the record API
			check("view room", c.Do(t, http.MethodGet, "/api/collections/rooms/records/"+room.Id, nil), sees, 200, 404)
			// history and changes
			check("history", c.Do(t, http.MethodGet, "/api/campfire/rooms/"+room.Id+"/messages", nil), sees, 200, 401, 404)
			check("changes", c.Do(t, http.MethodGet, "/api/campfire/rooms/"+room.Id+"/changes?since=0", nil), sees, 200, 401, 404)
			check("members", c.Do(t, http.MethodGet, "/api/campfire/rooms/"+room.Id+"/members", nil), sees, 200, 401, 404)
			// view one message
			check("view message", c.Do(t, http.MethodGet, "/api/collections/messages/records/"+msg.Id, nil), sees, 200, 404)

			// file download: the protected file URL with the caller's own file token (a bot key gets
			// none), fetched as a browser's <img> does (no Authorization header)
			file := files[kind]
			fileToken := ""
			if tok != "" {
				if ft := c.Do(t, http.MethodPost, "/api/files/token", nil); ft.Status == http.StatusOK {
					fileToken, _ = ft.JSON(t)["token"].(string)
				}
			}
			browser := testkit.Client{Base: base}
			check("file download", browser.Do(t, http.MethodGet,
				attachments.FileURL(file, file.GetString("attachment"), "", fileToken), nil), sees, 200, 401, 403, 404)
			if sees { // the URL the API answer carries works as is
				v := c.Do(t, http.MethodGet, "/api/collections/messages/records/"+file.Id, nil)
				u, _ := v.JSON(t)["attachment_url"].(string)
				if !strings.Contains(u, "token=") {
					t.Errorf("%s view file message: attachment_url %q carries no token", name, u)
				} else {
					check("file download (answer's URL)", browser.Do(t, http.MethodGet, u, nil), true, 200)
				}
			}

			// post
			post := c.Do(t, http.MethodPost, "/api/collections/messages/records", map[string]any{"room": room.Id, "body": "hi from " + role})
			check("post", post, sees, 200, 400, 401, 403)
			ownID := own[role][kind] // the deactivated and banned users' own messages from before
			if post.Status == http.StatusOK {
				ownID, _ = post.JSON(t)["id"].(string)
			}

			// the bot API: a bot key works exactly in the rooms its bot is in (404 elsewhere); nothing
			// else is a key (a user's token in the Bearer header, none at all: 401), and a deleted bot's
			// key is dead (401)
			key, isBot := botKeys[role]
			botSees := role == "bot" && memberOf(role, kind)
			botDeny := http.StatusUnauthorized
			if role == "bot" {
				botDeny = http.StatusNotFound
			}
			botPath := "/rooms/" + room.Id + "/-/messages" // the key, or the user's token, in the header
			postC := c
			if isBot { // Campfire's own form: the key in the path, no header
				botPath, postC = "/rooms/"+room.Id+"/"+key+"/messages", testkit.Client{Base: base}
			}
			bp := postC.Do(t, http.MethodPost, botPath, "bot says <b>hi</b>")
			check("bot API post", bp, botSees, 201, botDeny)
			if bp.Status == http.StatusCreated && bp.Header.Get("Location") == "" {
				t.Errorf("%s bot API post: 201 without Location", name)
			}
			check("bot API history", c.Do(t, http.MethodGet, "/rooms/"+room.Id+"/-/messages", nil), botSees, 200, botDeny)
			if role == "bot" {
				wrong := "/rooms/" + room.Id + "/" + bot.Id + "-" + strings.Repeat("x", 24) + "/messages"
				check("bot API post (wrong key)", testkit.Client{Base: base}.Do(t, http.MethodPost, wrong, "hi"), false, 0, 401)
				regenerated := "/rooms/" + room.Id + "/" + firstBotKey + "/messages"
				check("bot API post (regenerated key)", testkit.Client{Base: base}.Do(t, http.MethodPost, regenerated, "hi"), false, 0, 401)
				// someone else's message: 403 in the bot's rooms, 404 elsewhere
				otherDeny := http.StatusForbidden
				if !botSees {
					otherDeny = http.StatusNotFound
				}
				check("bot API edit other's", c.Do(t, http.MethodPut, "/rooms/"+room.Id+"/-/messages/"+msg.Id, "changed"), false, 0, otherDeny)
				check("bot API delete other's", c.Do(t, http.MethodDelete, "/rooms/"+room.Id+"/-/messages/"+msg.Id, nil), false, 0, otherDeny)
				check("bot API boost", c.Do(t, http.MethodPost, "/rooms/"+room.Id+"/-/messages/"+msg.Id+"/boosts", "🚀"), botSees, 201, 404)
			}

			// own message: edit and delete it through the record API (the author may, while active and
			// a member; a bot key may not); a bot's own message through the bot API
			botOwn := ""
			if isBot && bp.Status == http.StatusCreated {
				botOwn, _ = bp.JSON(t)["id"].(string)
				ownID = botOwn
			}
			if ownID != "" {
				check("edit own", c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+ownID, map[string]any{"body": "edited"}), sees, 200, 401, 403, 404)
			}
			if botOwn != "" {
				check("bot API edit own", c.Do(t, http.MethodPatch, "/rooms/"+room.Id+"/-/messages/"+botOwn, "edited"), true, 200)
			}
			if ownID != "" {
				check("delete own", c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+ownID, nil), sees, 204, 401, 403, 404)
			}
			if botOwn != "" {
				check("bot API delete own", c.Do(t, http.MethodDelete, "/rooms/"+room.Id+"/-/messages/"+botOwn, nil), true, 204)
			}

			// edit and delete someone else's message: only admins (any message), never members
			canModerate := role == "admin"
			check("edit other's", c.Do(t, http.MethodPatch, "/api/collections/messages/records/"+msg.Id, map[string]any{"body": "changed"}), canModerate, 200, 404, 403)
			// boost
			check("boost", c.Do(t, http.MethodPost, "/api/collections/boosts/records", map[string]any{"message": msg.Id, "content": "👍"}), sees, 200, 400, 401, 403)
			// typing
			check("typing", c.Do(t, http.MethodPost, "/api/campfire/rooms/"+room.Id+"/typing", map[string]any{"typing": true}), sees, 204, 401, 404)
			check("read", c.Do(t, http.MethodPost, "/api/campfire/rooms/"+room.Id+"/read", nil), sees, 204, 401, 404)
			check("delete other's", c.Do(t, http.MethodDelete, "/api/collections/messages/records/"+msg.Id, nil), canModerate, 204, 404, 403)
			// subscribe to the room topic
			sse := testkit.Connect(t, base)
			res := sse.Subscribe(t, tok, realtime.RoomTopic(room.Id))
			check("subscribe", res, sees, 204, 403)
			sse.Close()
		}
	}
}
