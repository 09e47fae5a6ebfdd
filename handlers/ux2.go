package handlers

import (
	"slices"
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

// whereNow is the country whose emergency numbers a card or the suicide-support screen shows
// first: the country the person chose as a setting (an explicit choice wins), else the country told
// to a treatment or humanitarian intake still open (its answers live only in the conversation,
// erased with it; otherCountry gives the 112 line alone), else "" (Ukraine).
func (a *App) whereNow(c *bot.Ctx) string {
	if code := a.personCountry(c); code != "" {
		return code
	}
	for _, in := range []*intake{a.treat, a.human} {
		if in != nil && slices.Contains(in.steps, c.Conv) {
			return c.ConvData["country"]
		}
	}
	return ""
}
