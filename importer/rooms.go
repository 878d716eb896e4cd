package importer

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/pocketcampfire/campfire/bans"
	"github.com/pocketcampfire/campfire/rooms"
)

// Campfire's room classes (single-table inheritance in rooms.type).
var roomKinds = map[string]string{
	"Rooms::Open":   rooms.Open,
	"Rooms::Closed": rooms.Closed,
	"Rooms::Direct": rooms.Direct,
}

type srcRoom struct {
	id, name, kind, creator, created, updated sql.NullString
}

// importRooms imports open, closed and direct rooms. A direct room's identity is its set of people
// (direct_key); Campfire does not enforce that, so two Campfire direct rooms of the same people become
// one room here (their messages interleave by time).
func (r *run) importRooms(t *TableReport) error {
	s := r.src
	rows, err := s.db.Query(`SELECT CAST(id AS TEXT), name, type, CAST(creator_id AS TEXT), CAST(created_at AS TEXT),
		CAST(updated_at AS TEXT) FROM rooms ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read rooms: %w", err)
	}
	var list []srcRoom
	for rows.Next() {
		var x srcRoom
		if err := rows.Scan(&x.id, &x.name, &x.kind, &x.creator, &x.created, &x.updated); err != nil {
			rows.Close()
			return err
		}
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	people := map[string][]string{} // Campfire direct room id -> Campfire user ids
	mr, err := s.db.Query(`SELECT CAST(m.room_id AS TEXT), CAST(m.user_id AS TEXT) FROM memberships m
		JOIN rooms r ON r.id = m.room_id WHERE r.type = 'Rooms::Direct' ORDER BY m.id`)
	if err != nil {
		return fmt.Errorf("read direct memberships: %w", err)
	}
	for mr.Next() {
		var room, user string
		if err := mr.Scan(&room, &user); err != nil {
			mr.Close()
			return err
		}
		people[room] = append(people[room], user)
	}
	mr.Close()

	directKeys := map[string]string{} // our direct_key -> our room id
	var ex []struct {
		ID  string `db:"id"`
		Key string `db:"direct_key"`
	}
	if err := r.app.DB().NewQuery("SELECT id, direct_key FROM rooms WHERE kind = 'direct'").All(&ex); err != nil {
		return fmt.Errorf("read direct rooms: %w", err)
	}
	for _, e := range ex {
		directKeys[e.Key] = e.ID
	}

	col, err := r.app.FindCachedCollectionByNameOrId("rooms")
	if err != nil {
		return err
	}
	t.Source = len(list)
	r.prog.begin("rooms", len(list))
	defer r.prog.end()
	return r.batches(len(list), func(tx core.App, lo, hi int) error {
		for _, x := range list[lo:hi] {
			id := x.id.String
			if _, ok := r.led.get(SourceRooms, id); ok {
				t.Existing++
				continue
			}
			kind, ok := roomKinds[x.kind.String]
			if !ok {
				r.problem("rooms", id, "unknown room type "+x.kind.String)
				t.Skipped++
				continue
			}
			creator := r.users[x.creator.String].id
			rec := core.NewRecord(col)
			rec.Set("kind", kind)
			rec.Set("creator", creator)
			if kind == rooms.Direct {
				var ids []string
				for _, cu := range people[id] {
					if u, ok := r.users[cu]; ok {
						ids = append(ids, u.id)
					}
				}
				if len(ids) == 0 && creator != "" {
					ids = []string{creator}
				}
				if len(ids) == 0 {
					r.problem("rooms", id, "direct room without anyone imported")
					t.Skipped++
					continue
				}
				key := rooms.DirectKey(ids)
				if existing, ok := directKeys[key]; ok {
					r.problem("rooms", id, "merged into the direct room of the same people")
					t.Existing++
					if err := r.led.add(tx, SourceRooms, id, existing); err != nil {
						return err
					}
					continue
				}
				rec.Set("direct_key", key)
			} else {
				name := strings.Join(strings.Fields(x.name.String), " ")
				if name == "" {
					name = "Untitled"
					r.problem("rooms", id, `no name: named "Untitled"`)
				}
				if n, cut := truncateRunes(name, 100); cut {
					name = n
					r.problem("rooms", id, "name cut to 100 characters")
				}
				rec.Set("name", name)
			}
			created := timeOr(x.created.String, zeroDateTime)
			rec.SetRaw("created", created)
			rec.SetRaw("updated", timeOr(x.updated.String, created))
			if err := tx.Save(rec); err != nil {
				return fmt.Errorf("save room %s: %w", id, err)
			}
			if kind == rooms.Direct {
				directKeys[rec.GetString("direct_key")] = rec.Id
			}
			t.Imported++
			if err := r.led.add(tx, SourceRooms, id, rec.Id); err != nil {
				return err
			}
		}
		return nil
	})
}

type srcMembership struct {
	id, room, user, involvement, unread, created, updated sql.NullString
}

// importMemberships imports who is in which room, with their involvement and unread mark.
func (r *run) importMemberships(t *TableReport) error {
	s := r.src
	rows, err := s.db.Query(`SELECT CAST(m.id AS TEXT), CAST(m.room_id AS TEXT), CAST(m.user_id AS TEXT), ` +
		s.col("memberships", "m", "involvement") + `, ` + s.col("memberships", "m", "unread_at") + `,
		CAST(m.created_at AS TEXT), CAST(m.updated_at AS TEXT) FROM memberships m ORDER BY m.id`)
	if err != nil {
		return fmt.Errorf("read memberships: %w", err)
	}
	var list []srcMembership
	for rows.Next() {
		var x srcMembership
		if err := rows.Scan(&x.id, &x.room, &x.user, &x.involvement, &x.unread, &x.created, &x.updated); err != nil {
			rows.Close()
			return err
		}
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	pairs, err := membershipPairs(r.app)
	if err != nil {
		return err
	}
	kinds := map[string]string{}
	var rk []struct {
		ID   string `db:"id"`
		Kind string `db:"kind"`
	}
	if err := r.app.DB().NewQuery("SELECT id, kind FROM rooms").All(&rk); err != nil {
		return fmt.Errorf("read rooms: %w", err)
	}
	for _, x := range rk {
		kinds[x.ID] = x.Kind
	}

	t.Source = len(list)
	r.prog.begin("memberships", len(list))
	defer r.prog.end()
	return r.batches(len(list), func(tx core.App, lo, hi int) error {
		for _, x := range list[lo:hi] {
			id := x.id.String
			if _, ok := r.led.get(SourceMemberships, id); ok {
				t.Existing++
				continue
			}
			room, ok := r.led.get(SourceRooms, x.room.String)
			if !ok {
				r.problem("memberships", id, "its room was not imported")
				t.Skipped++
				continue
			}
			user, ok := r.users[x.user.String]
			if !ok {
				r.problem("memberships", id, "its user was not imported")
				t.Skipped++
				continue
			}
			if existing, ok := pairs[room+"\x00"+user.id]; ok {
				t.Existing++
				if err := r.led.add(tx, SourceMemberships, id, existing); err != nil {
					return err
				}
				continue
			}
			involvement := x.involvement.String
			if !slices.Contains(rooms.Involvements, involvement) {
				involvement = rooms.DefaultInvolvement(kinds[room])
			}
			unread := ""
			if d, ok := parseTime(x.unread.String); ok {
				unread = d.String()
			}
			created := timeOr(x.created.String, zeroDateTime)
			newID, err := insertMembership(tx, room, user.id, involvement, unread, created, timeOr(x.updated.String, created))
			if err != nil {
				return err
			}
			pairs[room+"\x00"+user.id] = newID
			t.Imported++
			if err := r.led.add(tx, SourceMemberships, id, newID); err != nil {
				return err
			}
		}
		return nil
	})
}

func membershipPairs(app core.App) (map[string]string, error) {
	var rows []struct {
		ID   string `db:"id"`
		Room string `db:"room"`
		User string `db:"user"`
	}
	if err := app.DB().NewQuery("SELECT id, room, user FROM memberships").All(&rows); err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, x := range rows {
		out[x.Room+"\x00"+x.User] = x.ID
	}
	return out, nil
}

// insertMembership writes a membership directly: no realtime event or hook for history being loaded.
func insertMembership(tx core.App, room, user, involvement, unread string, created, updated types.DateTime) (string, error) {
	id := core.GenerateDefaultRandomId()
	_, err := tx.DB().Insert("memberships", dbx.Params{
		"id": id, "room": room, "user": user, "involvement": involvement, "unread_at": unread,
		"created": created.String(), "updated": updated.String(),
	}).Execute()
	if err != nil {
		return "", fmt.Errorf("insert membership: %w", err)
	}
	return id, nil
}

// fillOpenRooms keeps our invariant: every active user (bots included) is a member of every open room.
// Campfire keeps the same rule, so this only fills gaps (and joins users who were here before the
// import to the imported open rooms, and imported users to the open rooms that were here).
func (r *run) fillOpenRooms(tx core.App) error {
	var missing []struct {
		Room string `db:"room"`
		User string `db:"user"`
	}
	err := tx.DB().NewQuery(`SELECT r.id AS room, u.id AS user FROM rooms r, users u
		WHERE r.kind = 'open' AND u.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room = r.id AND m.user = u.id)
		ORDER BY r.id, u.id`).All(&missing)
	if err != nil {
		return fmt.Errorf("find missing open room memberships: %w", err)
	}
	now := types.NowDateTime()
	for _, m := range missing {
		if _, err := insertMembership(tx, m.Room, m.User, rooms.DefaultInvolvement(rooms.Open), "", now, now); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		r.note(fmt.Sprintf("%d memberships added so that every active user is in every open room", len(missing)))
	}
	return nil
}

// importBans imports the IP addresses recorded when users were banned.
func (r *run) importBans(t *TableReport) error {
	s := r.src
	if !s.hasTable("bans") {
		return nil
	}
	rows, err := s.db.Query(`SELECT CAST(id AS TEXT), CAST(user_id AS TEXT), COALESCE(ip_address, ''),
		CAST(created_at AS TEXT) FROM bans ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read bans: %w", err)
	}
	type ban struct{ id, user, ip, created string }
	var list []ban
	for rows.Next() {
		var b ban
		var created sql.NullString
		if err := rows.Scan(&b.id, &b.user, &b.ip, &created); err != nil {
			rows.Close()
			return err
		}
		b.created = created.String
		list = append(list, b)
	}
	rows.Close()
	col, err := r.app.FindCachedCollectionByNameOrId("bans")
	if err != nil {
		return err
	}
	t.Source = len(list)
	r.prog.begin("bans", len(list))
	defer r.prog.end()
	return r.batches(len(list), func(tx core.App, lo, hi int) error {
		for _, b := range list[lo:hi] {
			if _, ok := r.led.get(SourceBans, b.id); ok {
				t.Existing++
				continue
			}
			u, ok := r.users[b.user]
			if !ok {
				r.problem("bans", b.id, "its user was not imported")
				t.Skipped++
				continue
			}
			ip := bans.PublicIP(strings.TrimSpace(b.ip))
			if ip == "" {
				r.problem("bans", b.id, "not a public IP address")
				t.Skipped++
				continue
			}
			rec := core.NewRecord(col)
			rec.Set("user", u.id)
			rec.Set("ip", ip)
			rec.SetRaw("created", timeOr(b.created, zeroDateTime))
			if err := tx.Save(rec); err != nil {
				return fmt.Errorf("save ban %s: %w", b.id, err)
			}
			t.Imported++
			if err := r.led.add(tx, SourceBans, b.id, rec.Id); err != nil {
				return err
			}
		}
		return nil
	})
}
