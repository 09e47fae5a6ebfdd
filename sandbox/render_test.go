package sandbox

import "testing"

func TestSafeHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<b>Menu</b> &amp; more", "<b>Menu</b> &amp; more"},
		{"<strong>x</strong><em>y</em>", "<b>x</b><i>y</i>"},
		{`<a href="https://t.me/x">t</a>`, `<a href="https://t.me/x" target="_blank" rel="noopener noreferrer">t</a>`},
		{`<a href="javascript:alert(1)">x</a>`, `<a>x</a>`},
		{`<script>alert(1)</script>`, `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{`<img src=x onerror=alert(1)>`, `&lt;img src=x onerror=alert(1)&gt;`},
		{"&lt;b&gt; stays text", "&lt;b&gt; stays text"},
		{`<span class="tg-spoiler">s</span>`, `<span class="spoiler">s</span>`},
		{"line\nbreak", "line\nbreak"},
	} {
		if got := safeHTML(tc.in); got != tc.want {
			t.Errorf("safeHTML(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}
