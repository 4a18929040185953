"""Names for the ISO 639 language and ISO 3166 country codes the Cannes list uses, spelled
the way the Wikidata catalog spells them, so one country or language is one row."""

from __future__ import annotations

LANGUAGES = {
    "af": "Afrikaans", "ak": "Akan", "am": "Amharic", "ar": "Arabic", "az": "Azerbaijani",
    "bg": "Bulgarian", "bho": "Bhojpuri", "bm": "Bambara", "bn": "Bengali", "bs": "Bosnian",
    "ca": "Catalan", "cos": "Corsican", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fa": "Persian", "ff": "Fula",
    "fi": "Finnish", "fil": "Filipino", "fr": "French", "fuf": "Pular", "ga": "Irish",
    "gn": "Guarani", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic", "it": "Italian",
    "ja": "Japanese", "ka": "Georgian", "kea": "Cape Verdean Creole", "kl": "Greenlandic",
    "km": "Khmer", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "lo": "Lao",
    "lt": "Lithuanian", "mk": "Macedonian", "ml": "Malayalam", "mos": "Mooré",
    "mr": "Marathi", "ms": "Malay", "nan": "Min Nan", "ne": "Nepali", "nl": "Dutch",
    "no": "Norwegian", "nv": "Navajo", "oc": "Occitan", "pl": "Polish", "prs": "Dari",
    "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian", "rom": "Romani",
    "ru": "Russian", "sc": "Sardinian", "sco": "Scots", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovene", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "tg": "Tajik", "tgl": "Tagalog", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese",
    "wo": "Wolof", "wol": "Wolof", "yi": "Yiddish", "zh": "Chinese", "zu": "Zulu",
}  # fmt: skip

COUNTRIES = {
    "AE": "United Arab Emirates", "AL": "Albania", "AR": "Argentina", "AT": "Austria",
    "AU": "Australia", "BA": "Bosnia and Herzegovina", "BE": "Belgium",
    "BF": "Burkina Faso", "BG": "Bulgaria", "BR": "Brazil", "BY": "Belarus",
    "CA": "Canada", "CG": "Republic of the Congo", "CH": "Switzerland", "CL": "Chile",
    "CM": "Cameroon", "CN": "People's Republic of China", "CO": "Colombia",
    "CS": "Czechoslovakia", "CU": "Cuba", "CY": "Cyprus", "CZ": "Czech Republic",
    "DD": "East Germany", "DE": "Germany", "DK": "Denmark", "DZ": "Algeria",
    "EE": "Estonia", "EG": "Egypt", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GA": "Gabon", "GB": "United Kingdom", "GE": "Georgia", "GR": "Greece",
    "GW": "Guinea-Bissau", "HK": "Hong Kong", "HR": "Croatia", "HT": "Haiti",
    "HU": "Hungary", "IE": "Ireland", "IL": "Israel", "IN": "India", "IQ": "Iraq",
    "IR": "Iran", "IS": "Iceland", "IT": "Italy", "JO": "Jordan", "JP": "Japan",
    "KH": "Cambodia", "KR": "South Korea", "KZ": "Kazakhstan", "LB": "Lebanon",
    "LI": "Liechtenstein", "LK": "Sri Lanka", "LT": "Lithuania", "LU": "Luxembourg",
    "LV": "Latvia", "MA": "Morocco", "MC": "Monaco", "MK": "North Macedonia",
    "ML": "Mali", "MM": "Myanmar", "MR": "Mauritania", "MX": "Mexico", "NE": "Niger",
    "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "PA": "Panama",
    "PE": "Peru", "PF": "French Polynesia", "PH": "Philippines", "PL": "Poland",
    "PS": "State of Palestine", "PT": "Portugal", "QA": "Qatar", "RO": "Romania",
    "RS": "Serbia", "RU": "Russia", "SA": "Saudi Arabia", "SE": "Sweden",
    "SG": "Singapore", "SI": "Slovenia", "SN": "Senegal", "SU": "Soviet Union",
    "TD": "Chad", "TH": "Thailand", "TN": "Tunisia", "TR": "Turkey", "TW": "Taiwan",
    "UA": "Ukraine", "US": "United States", "VE": "Venezuela", "YU": "Yugoslavia",
    "ZA": "South Africa", "ZW": "Zimbabwe",
}  # fmt: skip
