package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
)

// serviceLanguages names the languages a service speaks in the reader's language ("чеська",
// "Czech"), not as ISO codes a person cannot read; a code without a name (locale key
// ux2_lang_<code>) is shown as it is.
func (a *App) serviceLanguages(c *bot.Ctx, codes []string) string {
	names := make([]string, 0, len(codes))
	for _, code := range codes {
		name, err := a.loc.Render(c.Lang, "ux2_lang_"+code)
		if err != nil {
			name = code
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}
