"""Which analysis a language gets: Porter for English, a Snowball stemmer, or none.

Why a table of our own: the index records, per document, the analyser its
text went through, and the browser analyses a query with the same ones, so
the choice must be one function both the build and the tests call.  Codes
are BCP 47 tags as ``site.yaml`` and article metadata write them (``fr``,
``pt-BR``, ``zh-Hant``); only the primary subtag chooses.

English keeps the project's own Porter analyser (analysis.py: stop words,
accent folding, Porter 1980), which ``make eval`` measures; every other
language with a Snowball algorithm gets it (generated from the Snowball
release pinned as ``snowballstemmer`` in requirements.txt and vendored for
the browser in templates/snowball/); a language without one gets no
stemming at all (never English's).
"""

from __future__ import annotations

from pathlib import Path

SNOWBALL_VERSION = "3.1.1"  # requirements.txt pins snowballstemmer to the same release
VENDOR_DIR = Path(__file__).resolve().parents[2] / "templates" / "snowball"

ENGLISH = "en"

# ISO 639-1 (and a few 639-3) codes -> Snowball algorithm, as Snowball's libstemmer/modules.txt names them.
SNOWBALL: dict[str, str] = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "pl": "polish", "fa": "persian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish", "st": "sesotho",
}

# Scripts written right to left: the page gets dir="rtl" and a mirrored layout.
RTL: frozenset[str] = frozenset({
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ks", "ku-arab", "ps", "sd", "syr", "ug", "ur", "yi",
})


# A language's name in itself, as the search page's Language group shows it (language pickers show autonyms:
# a reader finds their own language whatever the page's is).  A code not here is shown as the code.
NAMES: dict[str, str] = {
    "af": "Afrikaans", "am": "አማርኛ", "ar": "العربية", "az": "Azərbaycanca", "be": "Беларуская",
    "bg": "Български", "bn": "বাংলা", "bs": "Bosanski", "ca": "Català", "ckb": "کوردیی ناوەندی", "cs": "Čeština",
    "cy": "Cymraeg", "da": "Dansk", "de": "Deutsch", "dv": "ދިވެހި", "el": "Ελληνικά", "en": "English",
    "eo": "Esperanto", "es": "Español", "et": "Eesti", "eu": "Euskara", "fa": "فارسی", "fi": "Suomi",
    "fil": "Filipino", "fr": "Français", "ga": "Gaeilge", "gl": "Galego", "gu": "ગુજરાતી", "ha": "Hausa",
    "he": "עברית", "hi": "हिन्दी", "hr": "Hrvatski", "hu": "Magyar", "hy": "Հայերեն", "id": "Bahasa Indonesia",
    "is": "Íslenska", "it": "Italiano", "ja": "日本語", "ka": "ქართული", "kk": "Қазақ тілі", "km": "ខ្មែរ",
    "kn": "ಕನ್ನಡ", "ko": "한국어", "ku": "Kurdî", "ky": "Кыргызча", "lo": "ລາວ", "lt": "Lietuvių", "lv": "Latviešu",
    "mk": "Македонски", "ml": "മലയാളം", "mn": "Монгол", "mr": "मराठी", "ms": "Bahasa Melayu", "mt": "Malti",
    "my": "မြန်မာ", "nb": "Norsk bokmål", "ne": "नेपाली", "nl": "Nederlands", "nn": "Norsk nynorsk", "no": "Norsk",
    "pa": "ਪੰਜਾਬੀ", "pl": "Polski", "ps": "پښتو", "pt": "Português", "ro": "Română", "ru": "Русский",
    "sd": "سنڌي", "si": "සිංහල", "sk": "Slovenčina", "sl": "Slovenščina", "so": "Soomaali", "sq": "Shqip",
    "sr": "Српски", "st": "Sesotho", "sv": "Svenska", "sw": "Kiswahili", "ta": "தமிழ்", "te": "తెలుగు",
    "tg": "Тоҷикӣ", "th": "ไทย", "tk": "Türkmençe", "tl": "Tagalog", "tr": "Türkçe", "ug": "ئۇيغۇرچە",
    "uk": "Українська", "ur": "اردو", "uz": "Oʻzbekcha", "vi": "Tiếng Việt", "yi": "ייִדיש", "yo": "Yorùbá",
    "zh": "中文", "zu": "isiZulu",
}


def name(code: str) -> str:
    """The name of an analyser's language (its primary subtag) in that language: "fr" -> "Français"."""
    return NAMES.get(code, code)


def primary(tag: str | None) -> str:
    """The primary language subtag, lower-cased: "pt-BR" -> "pt"; none -> English (the default site language)."""
    code = (tag or ENGLISH).strip().replace("_", "-").split("-")[0].lower()
    return code or ENGLISH


def analyser(tag: str | None) -> str:
    """The analyser a text in language ``tag`` goes through: its primary subtag ("en" is Porter)."""
    return primary(tag)


def algorithm(code: str) -> str:
    """The Snowball algorithm of an analyser code, "" for none (and for English, which has its own)."""
    return SNOWBALL.get(code, "")


def direction(tag: str | None) -> str:
    """"rtl" or "ltr" for a page or an element in language ``tag``."""
    return "rtl" if primary(tag) in RTL else "ltr"


def stemmer_script(algo: str) -> bytes:
    """The vendored classic script of one Snowball algorithm ("base" is their shared runtime)."""
    return (VENDOR_DIR / f"{algo}.js").read_bytes()
