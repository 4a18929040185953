"""Deciding what reveals the plot. Conservative on purpose: when in doubt, it is a spoiler.

A heading that mentions spoilers, the ending, a twist or the finale marks its whole
section. Elsewhere, from the first sentence of a paragraph that tells how things turn out
(someone dies, the film ends, a reveal, a homecoming) to the paragraph's end is marked;
the sentences before it stay usable.

Reviews of a disc use the same words about the disc: "in the end it's a remarkable
restoration", "music can screech a bit on the higher ends", "the end credits are
windowboxed", "by the end of the commentary", "Criterion finally gets around to it", or
history told by an extra ("the thaw that followed Stalin's death"); and a synopsis
opens with deaths that set the story going ("locked up for having killed", "arrives to
discover his friend has died"). Those are not the plot's outcome:

- idioms about the disc, the purchase or a judgement are set aside before the outcome
  words are looked for;
- a sentence whose only outcome words are the weak ones (end, finally, at last, the
  truth ...) and that talks about the disc (transfer, restoration, mix, extras, package,
  price ...) is a remark about the disc;
- a sentence whose outcome word is a death or a killing counts as history, not plot, only
  when it is framed as the making of the film or a talk on the disc (an interview, a
  career, a government), names none of the story's people (`story_names`) and uses no
  story word (character, hero, the plot ...);
- a death before the story or the one that sets it going (`_SETUP`) is the premise.

Phrases that always tell the story ('the film ends', 'the final scene', 'the twist') are
never set aside, and a heading's word still marks its whole section.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.importers.documents.model import Section
from bot.text import fold, sentences

_SPOILER_HEADING = re.compile(
    r"spoiler|\bend(?:ing|s)?\b|\btwist|\bfinale\b|\bclimax\b|\bconclusion of the (?:film|plot)|"
    r"what happens",
    re.I,
)
_WEAK = (
    r"ends?|ending|ended|in the end|finally|at last|final (?:scene|shot|moments?)|climax|"
    r"fate|reunited?|reunion|last (?:scene|shot|act|minutes?)|the truth|"
    r"(?:return|come)(?:s|ing|ed)? home|came home|goodbye|farewell"
)
_STRONG = (
    r"dies|died|dying|death|dead|killed|kills|murder(?:s|ed)?|suicide|twist|reveals?|"
    r"revealed|turns out|survives?|survived|is never seen again|"
    r"tells? (?:her|him|them) (?:the news|that)|learns? (?:that|the truth)"
)
_OUTCOME = re.compile(rf"\b(?:{_STRONG}|{_WEAK})\b", re.I)
_STRONG_RX = re.compile(rf"\b(?:{_STRONG})\b", re.I)

_DISC_NOUNS = (
    r"disc|discs|blu-?ray|dvd|4k|uhd|transfer|restoration|restored|presentation|encode|"
    r"encoding|bit-?rate|grain|image|picture|print|master|scan|compression|artifacts?|"
    r"audio|sound|mix|soundtrack|track|mono|stereo|surround|dialogue|subtitles?|"
    r"commentary|extras?|supplements?|special features?|features?|featurette|interview|"
    r"documentary|essay|booklet|insert|packaging|slipcover|case|release|edition|upgrade|"
    r"price|purchase|buy|recommend(?:ed|ation)?|credits|menus?|label|criterion|arrow|"
    r"eureka|bfi|kino"
)
_DISC_WORDS = re.compile(rf"\b(?:{_DISC_NOUNS})\b", re.I)
_RELEASE_VERBS = (
    r"got|gets?|getting|arrives?|arrived|here|available|on (?:blu-?ray|dvd|4k|disc)|"
    r"in (?:hd|4k|high definition)|released|restored|given|receives?|received|lands?|"
    r"landed|upgraded|been|has|have|done|around|looks|sounds|does"
)
# Idioms set aside before outcome words are looked for.
_IDIOMS = re.compile(
    r"\bin the end,?\s+(?=(?:it|it['’]s|this|that|these|the\s+(?:disc|release|set|transfer|"
    r"restoration|presentation|package|edition|blu-?ray|dvd|4k|upgrade|extras|mix|track|"
    r"result)|i|i['’]\w+|we|you|there|criterion|arrow|eureka|what)\b)|"
    r"\b(?:opening\s+and\s+)?(?:end(?:ing)?|closing)\s+(?:credits?|titles?|card)\b|"
    r"\b(?:high|higher|low|lower|top|bottom|back|front)[- ]ends?\b|"
    r"\bend\s+(?:result|product|of (?:the|an?) (?:day|era))\b|"
    r"\b(?:by|at|towards?|near|until)\s+the\s+end\s+of\s+(?:the\s+|this\s+|that\s+|its\s+)?"
    r"(?:commentary|feature|featurette|documentary|interview|disc|essay|program(?:me)?|track|"
    r"booklet|extras?|supplements?|review|day|set|piece|segment|video)\b|"
    r"\b(?:finally|at last)\s+(?:" + _RELEASE_VERBS + r")\b|"
    r"['’]ve\s+finally\b|\b(?:has|have)\s+finally\b|"
    r"\b(?:about\s+|want(?:s|ing)?\s+|trying\s+|try\s+)to\s+end\s+(?:their|his|her|its|the)\s+"
    r"(?!li(?:fe|ves)\b)\w+|"
    r"\b(?:life|love|war|loss|grief|hope|sex|birth|sorrow)\s+and\s+death\b|"
    r"\bdeath\s+and\s+(?:love|life|war|loss|grief|hope|taxes|rebirth|sorrow)\b|"
    r"\bdead\s+(?:silence|air|pixels?|spots?|quiet|on|center|centre|serious)\b|"
    r"\bdeath\s+(?:metal|rattle)\b|"
    r"\b(?:criterion|arrow|eureka|kino|the label|the studio|the company)\s+"
    r"(?:revealed|reveals|announced)\b|\bthe truth behind\b|"
    # the viewer's own story ('when I finally watched it'), idioms ('cheats death', 'ends
    # up taking stock', 'death & destruction', 'a murder mystery') and history ('towards
    # the end of World War II')
    r"\b(?:i|we)\s+(?:have\s+|had\s+|['’]ve\s+|['’]d\s+)?finally\s+\w+|"
    r"\bcheat(?:s|ed|ing)?\s+death\b|\b(?:ends?|ended|ending)\s+up\b|"
    r"\bdeath\s*(?:and|&)\s*destruction\b|"
    r"\bmurder\s+(?:mystery|mysteries|case|investigation|trial|suspect)\b|"
    r"\bend\s+of\s+(?:world\s+war\s+(?:i+|one|two|\d)|ww\s*(?:i+|\d)|the\s+(?:war|century|"
    r"decade|\d{4}s|[a-z]+\s+war))\b",
    re.I,
)
# Phrases that always tell the story: never set aside.
_TELLS = re.compile(
    r"\b(?:the|its|this) (?:film|movie|story|picture|plot|tale|narrative) (?:ends|ended|closes|"
    r"concludes)\b|\bthe ending\b(?!\s+credits)|\bhow it (?:all )?ends\b|"
    r"\bfinal (?:scene|shot|moments?|act|twist)\b|\blast (?:scene|shot|act)\b|\bclimax\b|"
    r"\btwist\b|\bturns out\b",
    re.I,
)
# Words about the story: with them, no outcome word is excused as a disc remark or history.
_STORY_WORDS = re.compile(
    r"\b(?:characters?|hero(?:ine)?|protagonist|villain|plot|story|storyline)\b", re.I
)
# A sentence framed as the making of the film or a talk on the disc.
_HISTORY = re.compile(
    r"\b(?:career|bureaucrat|government|regime|propaganda|censor(?:s|ship)?|banned|studio|"
    r"production|the making of|filming|shoot(?:ing)?|premiere|festival|thaw|historian|"
    r"scholar|critic|interviews?|interviewed|documentary|commentary|featurette|essay|"
    r"talks? about|discuss(?:es|ed)?|explains?|recalls?|his work|her work|their work|"
    r"the director|filmmaker|biograph(?:y|ical)|in real life|real-life|historical)\b",
    re.I,
)


# The premise, not the outcome: a death before the story starts or the one that sets it
# going ('locked up for having killed his mother', 'arrives only to discover that his
# friend has recently died', 'a fatal accident a few days ago', 'to investigate his
# friend's death'). A sentence that also says how the film ends is still a spoiler.
_SETUP = re.compile(
    r"\b(?:having|had|has|have)\s+(?:been\s+)?(?:recently\s+|just\s+|already\s+)?"
    r"(?:killed|murdered|died)\b|"
    r"\b(?:years?|months?|days?|weeks?|decades?)\s+(?:ago|earlier)\b|"
    r"\bsince\s+(?:his|her|their)\s+(?:youth|childhood|boyhood|girlhood)\b|"
    r"\b(?:locked\s+up|imprisoned|jailed|convicted|institutionali[sz]ed)\b|"
    r"\barriv\w*\s+(?:only\s+)?to\s+(?:discover|find|learn)\b|"
    r"\bonly\s+to\s+(?:be\s+told|discover|find|learn)\b|\bsets?\s+out\s+to\b|"
    r"\bthe\s+(?:day|night|week)\s+before\b|"
    r"\binvestigat\w*\s+(?:[\w'’]+\s+){0,3}(?:death|murder|killing|disappearance)\b|"
    r"\bat\s+the\s+(?:very\s+)?(?:start|beginning|outset)\b|\bthe\s+film\s+opens\b|"
    r"\bsuspicion\s+falls\s+on\b|\ba\s+series\s+of\s+(?:murders?|killings|deaths)\b",
    re.I,
)


def _set_aside(text: str) -> str:
    return _IDIOMS.sub(" ", text)


def heading_is_spoiler(heading: str | None) -> bool:
    """'Spoilers', 'The ending', 'Ending explained', 'Warning: spoilers ahead' mark their
    section; 'End credits' or 'High-end audio' do not."""
    return bool(heading and _SPOILER_HEADING.search(_set_aside(heading)))


def _names_story(sentence: str, story_names: Collection[str]) -> bool:
    text = fold(sentence)  # folding drops the apostrophe: "Anton's" -> "antons"
    return any(
        re.search(rf"\b{re.escape(fold(name))}s?\b", text) for name in story_names if name.strip()
    )


# Review sections about the disc: a strong word there ('what survived', 'close-ups reveal
# every pore') is about the image or the sound unless the story is named.
_DISC_HEADING = re.compile(
    r"^(?:the\s+)?(?:video|picture|image|transfer|audio|sound|extras|supplements|special\s+"
    r"features|bonus\s+(?:features|material)|packaging|the\s+disc|disc)\b",
    re.I,
)


def tells_outcome(
    sentence: str, story_names: Collection[str] = (), title: str = "", *, about_disc: bool = False
) -> bool:
    """Whether the sentence may tell how the story turns out (see the module's docstring).

    A question ('What will their fate be?') tells nothing; the film's own title is not
    an outcome word ('Death Race', 'The Last Picture Show')."""
    if sentence.rstrip(' "”’)').endswith("?"):
        return False
    text = _set_aside(sentence)
    if len(title) >= 3:
        text = re.sub(re.escape(title), " ", text, flags=re.I)
    if _TELLS.search(text):
        return True
    if not _OUTCOME.search(text) or _SETUP.search(text):
        return False
    if _STORY_WORDS.search(text) or _names_story(text, story_names):
        return True
    if about_disc:
        return False
    if not _STRONG_RX.search(text):
        # Weak words only: about the disc, it is a remark on the disc.
        return not _DISC_WORDS.search(text)
    return not _HISTORY.search(text)


def split_spoilers(
    heading: str | None, body: str, *, story_names: Collection[str] = (), title: str = ""
) -> list[Section]:
    """One section, or several: runs of safe sentences and the spoiler rest of a paragraph.

    Paragraphs may be separated by blank lines in `body`; a revealing sentence marks the
    rest of its own paragraph, not the paragraphs after it. `story_names` are the story's
    people (from the synopsis): a death near one of them is never taken as history.
    """
    if heading_is_spoiler(heading):
        return [Section(heading, " ".join(body.split()), True)]
    pieces: list[Section] = []
    about_disc = bool(heading and _DISC_HEADING.match(heading.strip()))
    for paragraph in re.split(r"\n\s*\n", body):
        parts = sentences(paragraph)
        first = next(
            (
                i
                for i, sentence in enumerate(parts)
                if tells_outcome(sentence, story_names, title, about_disc=about_disc)
            ),
            None,
        )
        if first is None:
            _append(pieces, heading, parts, False)
        else:
            _append(pieces, heading, parts[:first], False)
            _append(pieces, heading, parts[first:], True)
    return pieces


def _append(pieces: list[Section], heading: str | None, parts: list[str], spoiler: bool) -> None:
    if not parts:
        return
    text = " ".join(parts)
    if pieces and pieces[-1].is_spoiler == spoiler:
        pieces[-1].body = f"{pieces[-1].body} {text}"
    else:
        pieces.append(Section(heading, text, spoiler))
