package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// sseConn is one PocketBase realtime connection (GET /api/realtime), read event by event.
type sseConn struct {
	id     string
	res    *http.Response
	br     *bufio.Reader
	cancel context.CancelFunc
	name   []byte
	data   []byte
}

// dialSSE opens a realtime connection and waits for PB_CONNECT.
func dialSSE(ctx context.Context, hc *http.Client, base string, bufSize int) (*sseConn, error) {
	cctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, base+"/api/realtime", nil)
	if err != nil {
		cancel()
		return nil, err
	}
	res, err := hc.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		cancel()
		return nil, fmt.Errorf("realtime: status %d", res.StatusCode)
	}
	c := &sseConn{res: res, br: bufio.NewReaderSize(res.Body, bufSize), cancel: cancel}
	name, data, err := c.next()
	if err != nil {
		c.close()
		return nil, fmt.Errorf("realtime: %w", err)
	}
	if string(name) != "PB_CONNECT" {
		c.close()
		return nil, fmt.Errorf("realtime: first event %q", name)
	}
	var hello struct {
		ClientID string `json:"clientId"`
	}
	if err := json.Unmarshal(data, &hello); err != nil || hello.ClientID == "" {
		c.close()
		return nil, fmt.Errorf("realtime: PB_CONNECT %q", data)
	}
	c.id = hello.ClientID
	return c, nil
}

// next returns the next event's name and data, valid until the following call.
func (c *sseConn) next() ([]byte, []byte, error) {
	c.name, c.data = c.name[:0], c.data[:0]
	for {
		line, err := c.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = c.br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil {
			return nil, nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if len(c.name) > 0 || len(c.data) > 0 {
				return c.name, c.data, nil
			}
		case bytes.HasPrefix(line, []byte("event:")):
			c.name = append(c.name, bytes.TrimSpace(line[6:])...)
		case bytes.HasPrefix(line, []byte("data:")):
			if len(c.data) > 0 {
				c.data = append(c.data, '\n')
			}
			c.data = append(c.data, bytes.TrimLeft(line[5:], " ")...)
		}
	}
}

func (c *sseConn) close() {
	c.cancel()
	c.res.Body.Close()
}

// subscribe sets the connection's subscriptions (POST /api/realtime).
func subscribe(a api, clientID, token string, topics []string) error {
	r, err := a.do(http.MethodPost, "/api/realtime", token, map[string]any{"clientId": clientID, "subscriptions": topics})
	if err != nil {
		return err
	}
	if r.status != http.StatusNoContent && r.status != http.StatusOK {
		return fmt.Errorf("subscribe: %d %s", r.status, truncate(string(r.body), 200))
	}
	return nil
}

var (
	cmidKey = []byte(`"client_message_id":"`)
	seqKey  = []byte(`"seq":`)
)

// benchIndex finds `"client_message_id":"<prefix><digits>"` in an event and returns the number.
func benchIndex(data []byte, prefix string) (int, bool) {
	i := bytes.Index(data, cmidKey)
	if i < 0 {
		return 0, false
	}
	rest := data[i+len(cmidKey):]
	if !bytes.HasPrefix(rest, []byte(prefix)) {
		return 0, false
	}
	rest = rest[len(prefix):]
	n := 0
	k := 0
	for ; k < len(rest) && rest[k] >= '0' && rest[k] <= '9'; k++ {
		n = n*10 + int(rest[k]-'0')
	}
	if k == 0 || k >= len(rest) || rest[k] != '"' {
		return 0, false
	}
	return n, true
}

// eventSeq finds the first `"seq":<n>` of an event.
func eventSeq(data []byte) int64 {
	i := bytes.Index(data, seqKey)
	if i < 0 {
		return 0
	}
	rest := data[i+len(seqKey):]
	k := 0
	for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
		k++
	}
	n, _ := strconv.ParseInt(string(rest[:k]), 10, 64)
	return n
}
