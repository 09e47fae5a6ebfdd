package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ehra/peerline/content"
)

// directory handles `peerline directory import FILE.csv` and `peerline directory export`.
// Import adds the CSV's services to $PEERLINE_DATA/content/directory.toml (extending the shipped
// directory; an existing id is replaced) and writes nothing if any row is bad. Export prints the
// whole directory as CSV. The running bot reads the directory at start: restart it after an
// import.
func (m *Main) directory(args []string) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		return &ConfigError{Env: "COMMAND", Msg: "usage: peerline directory import FILE.csv | peerline directory export > FILE.csv (header: " + strings.Join(content.CSVHeader, ",") + ")"}
	}
	sub := args[0]
	rest, err := m.ParseFlags("directory "+sub, args[1:])
	if err != nil {
		return err
	}
	dir := filepath.Join(m.Config.Data, "content")
	if sub == "export" {
		c, err := content.Load(dir)
		if err != nil {
			return err
		}
		return c.ExportDirectoryCSV(m.Stdout)
	}
	if len(rest) != 1 {
		return &ConfigError{Env: "FILE", Msg: "usage: peerline directory import FILE.csv"}
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := content.ImportDirectory(dir, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "imported %d service(s) into %s; restart the bot to use them\n", n, filepath.Join(dir, "directory.toml"))
	return nil
}
