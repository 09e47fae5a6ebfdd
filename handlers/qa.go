package handlers

// Small fixes found by trying the bot as its users would (the qa area).

// daysIn is "3 дні", "7 днів", "1 day": a number of days with the word in the right form.
func (a *App) daysIn(lang string, n int) string {
	return a.loc.N(lang, "qa_days", n, nil)
}
