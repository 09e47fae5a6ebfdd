// Package bench holds peerline's load test: `make bench` pushes updates from many concurrent
// chats through the whole pipeline of the built binary (poll → handler → commit → outbox → fake
// Bot API) and, in the same run, through a bare tgbotapi echo bot and the echo bots on other Go
// libraries in shared/peers (peers_test.go), and prints what it measured.
// The figures are printed, not asserted: a timed unit test would only measure the machine.
package bench
