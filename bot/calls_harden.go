package bot

import (
	"encoding/json"
	"slices"
	"strconv"
)

// DeleteMessages deletes messages of a chat in as few deleteMessages calls as Telegram allows
// (100 ids each), in id order and without repeats. Telegram skips the ones that are gone or too
// old to delete.
func (o *Out) DeleteMessages(chatID int64, ids []int) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	chatID, group := o.target(chatID)
	for len(ids) > 0 {
		n := min(100, len(ids))
		j, _ := json.Marshal(ids[:n])
		o.add(chatID, group, "deleteMessages", map[string]string{
			"chat_id":     strconv.FormatInt(chatID, 10),
			"message_ids": string(j),
		}, "", false)
		ids = ids[n:]
	}
}
