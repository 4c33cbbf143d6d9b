"""Word lists the matcher relies on (all lower-case ASCII, as produced by the folding step)."""

from __future__ import annotations

# A bracketed group, dash suffix or trailing run is cosmetic only when it holds one of these.
EDITION_TRIGGERS = frozenset(
    {
        "remaster",
        "remastered",
        "remasters",
        "remastering",
        "mastered",
        "remasterizado",
        "remasterise",
        "remasterisee",
        "remasterizzato",
        "deluxe",
        "expanded",
        "anniversary",
        "bonus",
        "edition",
        "edicion",
        "edizione",
        "version",
        "reissue",
        "reissued",
        "explicit",
        "mono",
        "stereo",
        "ep",
        "single",
    }
)

# Words dropped from a cosmetic group; anything else in it (e.g. "live", "vol 2") is kept.
EDITION_FILLER = EDITION_TRIGGERS | frozenset(
    {
        "a",
        "album",
        "and",
        "audiophile",
        "clean",
        "collector",
        "collectors",
        "complete",
        "definitive",
        "digital",
        "digitally",
        "extended",
        "fan",
        "from",
        "gold",
        "hd",
        "in",
        "international",
        "issue",
        "japan",
        "japanese",
        "legacy",
        "limited",
        "of",
        "original",
        "platinum",
        "re",
        "special",
        "super",
        "the",
        "tour",
        "track",
        "tracks",
        "uk",
        "ultimate",
        "us",
        "usa",
        "year",
        "years",
    }
)

# A bracket or subtitle holding one of these describes the release ("Original Motion Picture
# Soundtrack", "Bande originale du film", "The Official 2014 FIFA World Cup Song"): it weighs
# little against the title.
DESCRIPTIVE_TRIGGERS = frozenset(
    {
        "soundtrack",
        "soundtracks",
        "ost",
        "score",
        "picture",
        "film",
        "films",
        "movie",
        "filmmusik",
        "cast",
        "musical",
        "series",
        "television",
        "tv",
        "official",
        "theme",
        "inspired",
        "bande",
        "banda",
        "colonna",
        "trilha",
        "sonora",
    }
)

# Credits that end a name or title: "Song feat. X", "Alice ft Bob", "(with X)" in brackets.
CREDITS = frozenset({"feat", "ft", "featuring"})
BRACKET_CREDITS = CREDITS | {"with"}

# Release-type words that are cosmetic in an artist name ("Alice (EP)", "Alice - Single").
NAME_RELEASE_TYPES = frozenset({"ep", "single"})

# Title words that make a different release: the same title with and without them differ.
QUALIFIERS = {
    "live": "live",
    "unplugged": "live",
    "concert": "live",
    "remix": "remix",
    "remixes": "remix",
    "remixed": "remix",
    "rmx": "remix",
    "demo": "demo",
    "demos": "demo",
    "instrumental": "instrumental",
    "instrumentals": "instrumental",
    "acoustic": "acoustic",
    "karaoke": "karaoke",
    "acapella": "acapella",
    "cappella": "acapella",
    "edit": "edit",
    "edits": "edit",
    "session": "session",
    "sessions": "session",
    "outtakes": "outtakes",
    "commentary": "commentary",
    "orchestral": "orchestral",
    "symphonic": "orchestral",
}

# After these words a roman numeral or a number word is a sequence number.
SEQUENCE_WORDS = {
    "vol": "vol",
    "volume": "vol",
    "volumes": "vol",
    "part": "part",
    "pt": "part",
    "chapter": "chapter",
    "book": "book",
    "act": "act",
    "disc": "disc",
    "cd": "disc",
    "episode": "episode",
    "season": "season",
}

_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
NUMBER_WORDS = {word: str(value) for value, word in enumerate(_NUMBERS)}

# The artist the scanner files compilations under, and the artist of untagged files.
VARIOUS_ARTISTS = "Various Artists"
UNKNOWN_ARTIST = "Unknown Artist"

# Compact (space-free) folded spellings of "Various Artists" in the languages we meet: a
# compilation's album artist, never an artist of its own.
VARIOUS_KEYS = frozenset(
    {
        "va",
        "various",
        "variousartist",
        "variousartists",
        "variosartistas",
        "varios",
        "divers",
        "verschiedeneinterpreten",
        "verschiedenekunstler",
        "artistesdivers",
        "artistesvaries",
        "artistivari",
        "diverseartiesten",
        "diversosartistas",
        "razlichnyeispolniteli",
        "raznyeispolniteli",
        "variasartistas",
        "roznewykonawcy",
        "vuariasuateisuto",
    }
)

# Compact folded spellings of "no artist known" ("[unknown]" is MusicBrainz's and Picard's).
UNKNOWN_KEYS = frozenset(
    {
        "unknown",
        "unknownartist",
        "unknownartists",
        "artistunknown",
        "unbekannt",
        "unbekannterkunstler",
        "unbekannterinterpret",
        "artisteinconnu",
        "inconnu",
        "artistadesconocido",
        "desconocido",
        "artistasconosciuto",
        "sconosciuto",
        "onbekendeartiest",
    }
)

# Candidate-name words that mark a tribute, cover or karaoke act.
TRIBUTE_WORDS = frozenset(
    {
        "tribute",
        "tributo",
        "hommage",
        "homage",
        "salute",
        "cover",
        "covers",
        "karaoke",
        "revival",
        "experience",
        "performs",
        "plays",
        "style",
    }
)

# Album titles too common to tell namesakes apart (compared on normalised keys).
GENERIC_TITLES = frozenset(
    {
        "anthology",
        "best of",
        "b sides",
        "christmas",
        "collection",
        "compilation",
        "debut",
        "demo",
        "demos",
        "ep",
        "essential",
        "gold",
        "greatest hits",
        "hits",
        "live",
        "love songs",
        "rarities",
        "remixes",
        "s t",
        "self titled",
        "singles",
        "the best of",
        "the collection",
        "the essential",
        "the singles",
        "unplugged",
        "untitled",
    }
)
GENERIC_PREFIXES = ("best of ", "the best of ", "the very best of ", "greatest hits ")
