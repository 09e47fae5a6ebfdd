package content

// About is the "about and partners" section.
type About struct {
	Who      Text `toml:"who" content:"max=1500"`      // who runs the service
	Partners Text `toml:"partners" content:"max=2500"` // partner networks
	Channel  Text `toml:"channel" content:"max=1000"`  // the Ukrainian help channel (dated: say so)
	Meta
}

func (c *Content) validateAbout() (probs []Problem) {
	file := c.src("about.toml")
	probs = append(probs, checkTexts(file, "about", &c.About)...)
	probs = append(probs, checkMeta(file, "about", c.About.Meta)...)
	return probs
}
