package bench

import (
	"os"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// TestEchoBotProcess is the baseline bot, run as a separate process by TestLoad: the minimal
// echo bot most tgbotapi users start from — GetUpdatesChan and Send, no store, no retries.
// (It lives in a _test file: peerline itself never uses GetUpdatesChan.)
func TestEchoBotProcess(t *testing.T) {
	if os.Getenv("PEERLINE_ECHO_BOT") != "1" {
		t.Skip("run by TestLoad as a helper process")
	}
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(os.Getenv("PEERLINE_TOKEN"), os.Getenv("PEERLINE_API_URL")+"/bot%s/%s")
	if err != nil {
		t.Fatal("echo bot: getMe failed")
	}
	_ = tgbotapi.SetLogger(discard{})
	updates := api.GetUpdatesChan(tgbotapi.UpdateConfig{Timeout: 10, Limit: 100})
	for u := range updates {
		if u.Message == nil {
			continue
		}
		_, _ = api.Send(tgbotapi.NewMessage(u.Message.Chat.ID, "re: "+u.Message.Text))
	}
}

type discard struct{}

func (discard) Println(...interface{})        {}
func (discard) Printf(string, ...interface{}) {}
