package fakeapi

import (
	"slices"
	"strings"
	"testing"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		plain  string
		ents   []wEntity
		reason string // expected error prefix; "" = valid
	}{
		{name: "plain", in: "hello", plain: "hello"},
		{name: "bold", in: "<b>hi</b> there", plain: "hi there", ents: []wEntity{{Type: "bold", Offset: 0, Length: 2}}},
		{name: "all simple tags", in: "<strong>a</strong><i>b</i><em>c</em><u>d</u><ins>e</ins><s>f</s><strike>g</strike><del>h</del><code>i</code><tg-spoiler>j</tg-spoiler>",
			plain: "abcdefghij", ents: []wEntity{
				{Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 1, Length: 1}, {Type: "italic", Offset: 2, Length: 1},
				{Type: "underline", Offset: 3, Length: 1}, {Type: "underline", Offset: 4, Length: 1},
				{Type: "strikethrough", Offset: 5, Length: 1}, {Type: "strikethrough", Offset: 6, Length: 1}, {Type: "strikethrough", Offset: 7, Length: 1},
				{Type: "code", Offset: 8, Length: 1}, {Type: "spoiler", Offset: 9, Length: 1},
			}},
		{name: "upper-case tags", in: "<B>x</B>", plain: "x", ents: []wEntity{{Type: "bold", Offset: 0, Length: 1}}},
		{name: "nested", in: "<b>a<i>b</i></b>", plain: "ab", ents: []wEntity{{Type: "bold", Offset: 0, Length: 2}, {Type: "italic", Offset: 1, Length: 1}}},
		{name: "link", in: `<a href="https://e.org/?a=1&amp;b=2">x</a>`, plain: "x", ents: []wEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "https://e.org/?a=1&b=2"}}},
		{name: "link single quotes", in: `<a href='tg://user?id=1'>x</a>`, plain: "x", ents: []wEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "tg://user?id=1"}}},
		{name: "pre with language", in: `<pre><code class="language-go">x := 1</code></pre>`, plain: "x := 1", ents: []wEntity{{Type: "pre", Offset: 0, Length: 6, Language: "go"}}},
		{name: "pre plain", in: "<pre>x</pre>", plain: "x", ents: []wEntity{{Type: "pre", Offset: 0, Length: 1}}},
		{name: "blockquote", in: "<blockquote>q</blockquote>", plain: "q", ents: []wEntity{{Type: "blockquote", Offset: 0, Length: 1}}},
		{name: "expandable blockquote", in: "<blockquote expandable>q</blockquote>", plain: "q", ents: []wEntity{{Type: "expandable_blockquote", Offset: 0, Length: 1}}},
		{name: "span spoiler", in: `<span class="tg-spoiler">s</span>`, plain: "s", ents: []wEntity{{Type: "spoiler", Offset: 0, Length: 1}}},
		{name: "custom emoji", in: `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, plain: "👍", ents: []wEntity{{Type: "custom_emoji", Offset: 0, Length: 2, CustomEmojiID: "5368324170671202286"}}},
		{name: "entities", in: "&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &amp", plain: `<b> & "q" AB &`},
		{name: "utf16 offsets", in: "😀<b>é😀</b>", plain: "😀é😀", ents: []wEntity{{Type: "bold", Offset: 2, Length: 3}}},
		{name: "empty end tag closes", in: "<b>x</>", plain: "x", ents: []wEntity{{Type: "bold", Offset: 0, Length: 1}}},
		{name: "empty entity dropped", in: "<b></b>x", plain: "x"},
		{name: "bare greater-than", in: "a > b", plain: "a > b"},

		{name: "bare less-than", in: "a < b", reason: `Unsupported start tag "" at byte offset 2`},
		{name: "unknown tag", in: "<p>x</p>", reason: `Unsupported start tag "p" at byte offset 0`},
		{name: "unclosed tag", in: "<b>x", reason: `Can't find end tag corresponding to start tag "b"`},
		{name: "bad nesting", in: "<b><i>x</b></i>", reason: `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{name: "unexpected end tag", in: "x</b>", reason: "Unexpected end tag at byte offset 1"},
		{name: "lt at end", in: "x<", reason: "Unclosed start tag at byte offset 1"},
		{name: "start tag not closed", in: "<b", reason: "Unclosed start tag at byte offset 0"},
		{name: "bare ampersand", in: "Tom & Jerry", reason: "Character '&' at byte offset 4"},
		{name: "unknown named entity", in: "&nbsp;", reason: "Character '&' at byte offset 0"},
		{name: "empty numeric entity", in: "&#;", reason: "Character '&' at byte offset 0"},
		{name: "a without href", in: "<a>x</a>", reason: `Tag "a" must have attribute "href"`},
		{name: "span without class", in: "<span>x</span>", reason: `Tag "span" must have class "tg-spoiler"`},
		{name: "attribute without value", in: "<a href>x</a>", reason: `Expected equal sign in declaration of an attribute of the tag "a"`},
		{name: "bad emoji id", in: `<tg-emoji emoji-id="x">y</tg-emoji>`, reason: "Invalid custom emoji identifier specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, ents, reason := parseHTML(tt.in)
			if tt.reason != "" {
				if !strings.HasPrefix(reason, tt.reason) {
					t.Fatalf("parseHTML(%q) reason = %q, want prefix %q", tt.in, reason, tt.reason)
				}
				return
			}
			if reason != "" {
				t.Fatalf("parseHTML(%q) failed: %s", tt.in, reason)
			}
			if plain != tt.plain {
				t.Errorf("parseHTML(%q) plain = %q, want %q", tt.in, plain, tt.plain)
			}
			if !slices.Equal(ents, tt.ents) {
				t.Errorf("parseHTML(%q) entities = %+v, want %+v", tt.in, ents, tt.ents)
			}
		})
	}
}

func TestUTF16Count(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"abc", 3}, {"é", 1}, {"€", 1}, {"😀", 2}, {"a😀b", 4},
	}
	for _, tt := range tests {
		if got := utf16Count(tt.in); got != tt.want {
			t.Errorf("utf16Count(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
