package locales

import (
	"strings"
	"testing"
)

// TestLeft_AdminNumbersUsePluralForms: the admin texts with a number read naturally in each
// language (no "Через 3 дн.", no "day(s)").
func TestLeft_AdminNumbersUsePluralForms(t *testing.T) {
	c := MustLoad()
	tests := []struct {
		lang, id string
		n        int
		want     string
	}{
		{"uk", "admin_campaign_reminder", 1, "Через 1 день:"},
		{"uk", "admin_campaign_reminder", 3, "Через 3 дні:"},
		{"uk", "admin_campaign_reminder", 7, "Через 7 днів:"},
		{"uk", "admin_campaign_reminder", 21, "Через 21 день:"},
		{"ru", "admin_campaign_reminder", 1, "Через 1 день:"},
		{"ru", "admin_campaign_reminder", 2, "Через 2 дня:"},
		{"ru", "admin_campaign_reminder", 7, "Через 7 дней:"},
		{"ru", "admin_campaign_reminder", 11, "Через 11 дней:"},
		{"en", "admin_campaign_reminder", 1, "In 1 day:"},
		{"en", "admin_campaign_reminder", 7, "In 7 days:"},
		{"uk", "admin_post_too_long", 4101, "4101 символ,"},
		{"ru", "admin_post_too_long", 4102, "4102 символа,"},
		{"ru", "admin_post_too_long", 4100, "4100 символов,"},
		{"en", "admin_post_too_long", 4100, "4100 characters,"},
		{"uk", "admin_delete_too_old", 1, "1 повідомлення старше за 48 годин"},
		{"uk", "admin_delete_too_old", 5, "5 повідомлень старші за 48 годин"},
		{"ru", "admin_delete_too_old", 3, "3 сообщения старше 48 часов"},
		{"en", "admin_delete_too_old", 1, "1 message is older"},
		{"en", "admin_delete_too_old", 2, "2 messages are older"},
		{"uk", "admin_post_publishing", 1, "в 1 каналі."},
		{"ru", "admin_post_publishing", 3, "в 3 каналах."},
		{"en", "admin_post_publishing", 1, "to 1 channel."},
		{"uk", "admin_dir_applied", 2, "Імпортовано 2 служби."},
		{"ru", "admin_dir_applied", 1, "Импортирована 1 служба."},
		{"ru", "admin_dir_applied", 5, "Импортировано 5 служб."},
		{"en", "admin_dir_applied", 1, "Imported 1 service."},
		{"uk", "admin_report_missed", 2, "пропущено 2 запуски,"},
		{"ru", "admin_report_missed", 1, "пропущен 1 запуск,"},
		{"en", "admin_report_missed", 3, "3 runs missed"},
		{"uk", "admin_stats_title", 30, "за останні 30 днів"},
		{"ru", "admin_stats_title", 7, "за последние 7 дней"},
		{"en", "admin_stats_title", 90, "last 90 days"},
		{"uk", "admin_btn_stats_days", 7, "7 днів"},
		{"ru", "admin_btn_stats_days", 90, "90 дней"},
		{"en", "admin_btn_stats_days", 30, "30 days"},
	}
	for _, tt := range tests {
		got := c.N(tt.lang, tt.id, tt.n, map[string]any{"Name": "X", "Date": "D", "Max": 4096, "Deleted": 0, "ID": 1})
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s %s n=%d:\n got %q\nwant it to contain %q", tt.lang, tt.id, tt.n, got, tt.want)
		}
	}
}

// TestLeft_NoAbbreviatedCountsInAdminTexts: no admin text abbreviates a counted word or hedges
// with "(s)"; such a text needs plural forms (Catalog.N).
func TestLeft_NoAbbreviatedCountsInAdminTexts(t *testing.T) {
	c := MustLoad()
	for _, lang := range Langs {
		for _, k := range c.Keys(lang) {
			if !strings.HasPrefix(k, "admin_") {
				continue
			}
			s := c.T(lang, k) // a plain text, or the "other" form of one with plural forms
			for _, bad := range []string{" дн.", " хв.", " мин.", "(s)"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s %s has %q: %q", lang, k, bad, s)
				}
			}
		}
	}
}
