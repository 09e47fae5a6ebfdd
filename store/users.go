package store

// Users: what the bot remembers about a person between conversations — their language choice,
// whether Telegram told us they blocked the bot, and coarse activity dates for retention.
// Keyed by the keyed hash of the chat id; sealed.

// User is a person's profile.
type User struct {
	// ChatID is the person's private chat (sealed with the rest): needed to erase their other
	// records on a retention purge, and to re-key them when the data key is rotated.
	ChatID   int64  `json:"id,omitempty"`
	Lang     string `json:"l,omitempty"`
	Inactive bool   `json:"i,omitempty"` // blocked the bot or the account is gone
	Created  int64  `json:"c,omitempty"` // unix day of the first contact
	Seen     int64  `json:"s,omitempty"` // unix day of the last contact
	// Onboarded is set once the person has seen the privacy promise.
	Onboarded bool `json:"o,omitempty"`
	// SafeMode is how long the bot keeps the chat's messages before deleting them (0 = off).
	SafeMode int64 `json:"sm,omitempty"` // seconds
	// Country is where the person said they are (ISO code), a setting they chose in an intake
	// or in /settings; it picks the emergency numbers and local services. "" = not said.
	Country string `json:"cc,omitempty"`
	// Keyboard is the language of the 🆘 reply keyboard last sent to the chat ("" = none yet).
	Keyboard string `json:"kb,omitempty"`
	// KeyboardAt is when that keyboard was sent (unix seconds): with safe mode on, its message is
	// deleted after a while, and the keyboard is sent again at the next contact.
	KeyboardAt int64 `json:"kt,omitempty"`
}

// User returns chatID's profile; found is false for a person the bot does not know.
func (t *Tx) User(chatID int64) (u User, found bool, err error) {
	found, err = t.getSealed(bucketUsers, t.keys.chatKey(chatID), &u)
	return u, found, err
}

// PutUser stores chatID's profile.
func (t *Tx) PutUser(chatID int64, u User) error {
	u.ChatID = chatID
	return t.putSealed(bucketUsers, t.keys.chatKey(chatID), u)
}

// DeleteUser forgets chatID's profile.
func (t *Tx) DeleteUser(chatID int64) error {
	return t.bucket(bucketUsers).Delete(t.keys.chatKey(chatID))
}

// UserCount is the number of known people.
func (t *Tx) UserCount() int { return t.bucket(bucketUsers).Stats().KeyN }
