package content

import "testing"

func TestUrgent(t *testing.T) {
	c := MustLoad()
	cases := []struct {
		text, want string // want "" = no match
	}{
		// overdose, uk/ru/en, inflections and misspellings
		{"передоз", "opioid"},
		{"Передоз, друг не дихає!!!", "opioid"},
		{"у мене передозування", "opioid"},
		{"ПЕРЕДОЗИРОВКА", "opioid"},
		{"кажется у него передозировка героином", "opioid"},
		{"пердоз", "opioid"},
		{"передозіровка", "opioid"},
		{"він передознувся", "opioid"},
		{"овердоз", "opioid"},
		{"my friend is overdosing", "opioid"},
		{"I think she overdosed", "opioid"},
		{"OD help", "opioid"},
		{"overdoze", "opioid"},
		// not breathing
		{"не дихає", "opioid"},
		{"він не дихає", "opioid"},
		{"не дышит", "opioid"},
		{"Не дышыт", "opioid"},
		{"не дихае", "opioid"},
		{"ледве дихає", "opioid"},
		{"еле дышит что делать", "opioid"},
		{"перестал дышать", "opioid"},
		{"he's not breathing", "opioid"},
		{"not breathing", "opioid"},
		{"she stopped breathing", "opioid"},
		// turning blue
		{"посинів", "opioid"},
		{"вона посиніла", "opioid"},
		{"синеет", "opioid"},
		{"губы синие", "opioid"},
		{"his lips are blue", "opioid"},
		{"turning blue", "opioid"},
		// unconscious
		{"без свідомості", "opioid"},
		{"без свідомсті", "opioid"},
		{"людина непритомна", "opioid"},
		{"без сознания", "opioid"},
		{"потерял сознание", "opioid"},
		{"не реагирует ни на что", "opioid"},
		{"вырубился и не просыпается", "opioid"},
		{"he is unconscious", "opioid"},
		{"unconcious", "opioid"},
		{"passed out and won't wake up", "opioid"},
		// latin look-alikes inside a Cyrillic word (р, е, о typed in Latin)
		{"пepeдоз", "opioid"},
		// seizure, overheating
		{"судоми", "stimulant"},
		{"у нього судоми", "stimulant"},
		{"судороги", "stimulant"},
		{"его трясёт, судорога", "stimulant"},
		{"having a seizure", "stimulant"},
		{"seizures", "stimulant"},
		{"convulsing", "stimulant"},
		{"перегрівся після фена", "stimulant"},
		{"overheating on mephedrone", "stimulant"},
		// suicide and method words
		{"хочу вкоротити собі віку", "suicide"},
		{"хочу умереть", "suicide"},
		{"хочу вмерти", "suicide"},
		{"не хочу жити", "suicide"},
		{"думаю про суїцид", "suicide"},
		{"суицидальные мысли", "suicide"},
		{"думаю о самоубийстве", "suicide"},
		{"покончу с собой", "suicide"},
		{"вб'ю себе", "suicide"},
		{"I want to kill myself", "suicide"},
		{"i wanna die", "suicide"},
		{"suicidal", "suicide"},
		{"I don't want to live anymore", "suicide"},
		// a person not breathing wins over other words
		{"хочу вмерти, друг не дихає", "opioid"},
		// a suicidal overdose plan gets the suicide screen
		{"хочу умереть от передоза", "suicide"},
		// negatives
		{"я не вживаю", ""},
		{"дихання нормальне", ""},
		{"він дихає нормально", ""},
		{"не передоз, просто спить", ""},
		{"як уникнути передозування?", ""},
		{"how to avoid an overdose", ""},
		{"she is breathing again", ""},
		{"де взяти метадон у Польщі", ""},
		{"хочу передохнуть", ""},
		{"передостанній раз", ""},
		{"посилання на сайт", ""},
		{"розглядали судом", ""},
		{"перед судом", ""},
		{"odd question", ""},
		{"I need food and housing", ""},
		{"5 kms away", ""},
		{"", ""},
		{"🆘", ""},
	}
	for _, tc := range cases {
		got, ok := c.Urgent(tc.text)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("Urgent(%q) = %q, %v; want %q", tc.text, got, ok, tc.want)
		}
	}
}

func TestFoldText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Передозування!", "передозування"},
		{"НЕ ДИХАЄ", "не дихае"},
		{"Їжа, ґанок", "ижа ганок"},
		{"ёлка Йошкар", "елка иошкар"},
		{"isn't", "isnt"},
		{"п’ять", "пять"},
		{"Kraków", "krakow"},
		{"STRASSE Straße", "strasse strasse"},
	}
	for _, tc := range cases {
		if got := foldString(tc.in); got != tc.want {
			t.Errorf("foldString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		max  int
		want int
	}{
		{"abc", "abc", 1, 0},
		{"abc", "acb", 1, 1},
		{"abc", "ab", 1, 1},
		{"варшава", "варшва", 2, 1},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 1, 2},
		{"a", "abcd", 1, 2},
	}
	for _, tc := range cases {
		if got := distance([]rune(tc.a), []rune(tc.b), tc.max); got != tc.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}

func TestIntent(t *testing.T) {
	c := MustLoad()
	cases := []struct{ text, want string }{
		{"де отримати метадон у Варшаві?", "ost"},
		{"где получить метадон", "ost"},
		{"I need methadone in Berlin", "ost"},
		{"мне нужна ЗПТ", "ost"},
		{"можно ли смешивать метадон и алкоголь", "combo"},
		{"can I mix alcohol with methadone", "combo"},
		{"де взяти терапію від ВІЛ", "art"},
		{"HIV test", "art"},
		{"у меня туберкулёз", "tb"},
		{"лікування гепатиту С", "hcv"},
		{"що таке мефедрон", "nps"},
		{"потрібне житло", "hum_housing"},
		{"где переночевать", "hum_housing"},
		{"I need food", "hum_food"},
		{"нема що їсти", "hum_food"},
		{"втратив паспорт", "hum_documents"},
		{"lost my documents", "hum_documents"},
		{"мене затримала поліція", "hum_legal"},
		{"потрібен психолог", "hum_psych"},
		{"привіт", ""},
		{"hello, can you help me?", ""},
		{"дякую", ""},
		{"ok", ""},
	}
	for _, tc := range cases {
		got, ok := c.Intent(tc.text)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("Intent(%q) = %q, %v; want %q", tc.text, got, ok, tc.want)
		}
	}
}

func TestAnswerTo(t *testing.T) {
	c := MustLoad()
	cases := []struct{ q, text, want string }{
		{"medicine", "метадон", "methadone"},
		{"medicine", "Methadone 80 mg", "methadone"},
		{"medicine", "на бупренорфіні", "buprenorphine"},
		{"medicine", "субутекс", "buprenorphine"},
		{"medicine", "не знаю", "unsure"},
		{"medicine", "мет", ""},
		{"yesno", "так", "yes"},
		{"yesno", "Да, срочно", "yes"},
		{"yesno", "не терміново", "no"},
		{"yesno", "нет", "no"},
		{"yesno", "може почекати", "no"},
		{"yesno", "дякую", ""},
	}
	for _, tc := range cases {
		got, ok := c.AnswerTo(tc.q, tc.text)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("AnswerTo(%s, %q) = %q, %v; want %q", tc.q, tc.text, got, ok, tc.want)
		}
	}
}
