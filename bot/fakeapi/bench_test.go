package fakeapi

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"
)

// TestMultipartBodies: an empty multipart form (go-telegram/bot sends one for calls without
// parameters, e.g. getMe) is a call without parameters, as Telegram takes it; a broken one is
// still refused.
func TestMultipartBodies(t *testing.T) {
	s, c := start(t, Options{})
	boundary := multipart.NewWriter(&bytes.Buffer{}).Boundary()
	ct := "multipart/form-data; boundary=" + boundary
	tests := []struct {
		name, body string
		want       int
	}{
		{"empty body", "", 200},
		{"empty form", "--" + boundary + "--\r\n", 200},
		{"cut off in a part", "--" + boundary + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue", 400},
		{"not multipart", "garbage without a boundary", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Post(s.URL()+"/bot"+testToken+"/getMe", ct, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := decode(t, "getMe", resp); got != tt.want {
				t.Errorf("getMe with %s: got %d, want %d", tt.name, got, tt.want)
			}
		})
	}
}
